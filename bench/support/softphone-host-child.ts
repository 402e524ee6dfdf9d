/**
 * A web host (src/main/web-host, the same code as cli.ts) for the softphone bench, with a memory
 * probe: each stdin line `memory` is answered on stdout with `{"memory":{…}}`, the process's
 * memoryUsage() right after a full garbage collection (run it with --expose-gc), so that a slope
 * over a long call shows what the process keeps, not what it has not collected yet.
 * Usage: node --expose-gc --import tsx softphone-host-child.ts <renderer dir> <data dir> <server url>
 * Prints {"ready":true,"url":…,"origin":…,"secret":…,"pid":…} once serving.
 */
import { createInterface } from 'node:readline'
import { startWebHost } from '../../src/main/web-host/web-host'
import { announceReady, stopOnSignal } from './child-lifecycle'

const [rendererDir, dataDir, serverUrl] = process.argv.slice(2)
if (!rendererDir || !dataDir || !serverUrl) {
  console.error('usage: softphone-host-child.ts <renderer dir> <data dir> <server url>')
  process.exit(2)
}

// Errors the services catch (a failed media request, an upload) go to stderr, where the bench shows them.
const onInternalError = (where: string, err: unknown) => console.error(`internal error in ${where}: ${err instanceof Error ? err.message : String(err)}`)
const host = await startWebHost({ rendererDir, dataDir, defaultServerUrl: serverUrl, host: '127.0.0.1', port: 0, services: { onInternalError } })
stopOnSignal(() => host.stop())

const gc = (globalThis as { gc?: () => void }).gc
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'memory') return
  gc?.()
  const m = process.memoryUsage()
  const memory = { heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers, collected: gc !== undefined }
  process.stdout.write(`${JSON.stringify({ memory })}\n`)
})

announceReady({ url: host.url, origin: host.origin, secret: host.secret, pid: process.pid })
