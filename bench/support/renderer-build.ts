import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { track } from './child'

/** Newest modification time (ms) of any file under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

function mtimeOrZero(path: string): number {
  try {
    return statSync(path).mtimeMs
  } catch {
    return 0
  }
}

/**
 * Runs `npx electron-vite build` when out/renderer/index.html is missing or older than any file
 * in src/renderer. Returns how long the build took (0 when none was needed).
 */
export async function ensureRendererBuilt(root: string, log: (line: string) => void): Promise<{ built: boolean; ms: number }> {
  const builtAt = mtimeOrZero(join(root, 'out', 'renderer', 'index.html'))
  const sourceAt = newestMtime(join(root, 'src', 'renderer'))
  if (builtAt > 0 && builtAt >= sourceAt) return { built: false, ms: 0 }
  log(builtAt === 0 ? 'out/renderer is missing: building' : 'src/renderer is newer than out/renderer: building')
  const started = performance.now()
  const child = track(spawn('npx', ['electron-vite', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }), 'electron-vite build', started)
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      log('electron-vite build took over 120 s: stopping it')
      void child.stop()
    }, 120_000)
    child.process.once('exit', (exitCode) => {
      clearTimeout(timer)
      resolve(exitCode)
    })
  })
  await child.stop()
  if (code !== 0 || mtimeOrZero(join(root, 'out', 'renderer', 'index.html')) === 0) {
    throw new Error(`electron-vite build failed (exit ${code}):\n${child.output.slice(-30).join('\n')}`)
  }
  return { built: true, ms: performance.now() - started }
}
