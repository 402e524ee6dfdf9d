/**
 * Starting the cache worker from source (tsx, vitest, the web host) and from the Electron build.
 *
 * - Bundled (out/main/*.js): electron-vite builds `cache-worker` as a second main entry, so
 *   `out/main/cache-worker.js` sits next to `index.js`. This module may end up in a shared chunk
 *   (`out/main/chunks/…`), so the folder above is tried too.
 * - Source (*.ts): a worker does not inherit tsx's loader (Node 20 does not run `--import tsx`
 *   hooks for a worker's own entry), so the worker starts from a tiny ES module that registers
 *   tsx through its API first and then imports cache-worker.ts.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { CacheWorkerData } from './cache-protocol'

const WORKER_NAME = 'cache-worker'

/** tsx's ES module API (`tsx/esm/api`, import condition), found through its package exports. */
function tsxEsmApiUrl(): string {
  const require = createRequire(import.meta.url)
  const packageJson = require.resolve('tsx/package.json')
  const manifest: unknown = JSON.parse(readFileSync(packageJson, 'utf8'))
  const exportsField = typeof manifest === 'object' && manifest !== null && 'exports' in manifest ? manifest.exports : undefined
  const entry = typeof exportsField === 'object' && exportsField !== null && './esm/api' in exportsField ? exportsField['./esm/api'] : undefined
  const importCondition = typeof entry === 'object' && entry !== null && 'import' in entry ? entry.import : undefined
  const target =
    typeof importCondition === 'string'
      ? importCondition
      : typeof importCondition === 'object' && importCondition !== null && 'default' in importCondition && typeof importCondition.default === 'string'
        ? importCondition.default
        : null
  if (!target) throw new Error('Cannot find tsx/esm/api to run the cache worker from source')
  return pathToFileURL(join(dirname(packageJson), target)).href
}

function sourceWorker(here: string, data: CacheWorkerData): Worker {
  const entry = pathToFileURL(join(dirname(here), `${WORKER_NAME}.ts`)).href
  const bootstrap = [
    `const { register } = await import(${JSON.stringify(tsxEsmApiUrl())});`,
    'register();',
    `await import(${JSON.stringify(entry)});`,
  ].join('\n')
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData: data, name: WORKER_NAME })
}

function bundledWorker(here: string, data: CacheWorkerData): Worker {
  const candidates = [join(dirname(here), `${WORKER_NAME}.js`), join(dirname(here), '..', `${WORKER_NAME}.js`)]
  const file = candidates.find((candidate) => existsSync(candidate))
  if (!file) throw new Error(`The cache worker is missing from the build (looked for ${candidates.join(', ')})`)
  return new Worker(file, { workerData: data, name: WORKER_NAME })
}

export function startCacheWorker(data: CacheWorkerData): Worker {
  const here = fileURLToPath(import.meta.url)
  return here.endsWith('.ts') ? sourceWorker(here, data) : bundledWorker(here, data)
}
