/**
 * The softphone bench inside a loopback-only network namespace: bench/softphone.ts's runSoftphone
 * starts this file under `unshare -n` (lo up, nothing else), so Kamailio, the web hosts and
 * Chromium's ICE candidates cannot use any other address. Progress lines go to stdout; the result
 * is the last line, `{"ready":true,"result":…}`. Stops everything it started on SIGTERM or when
 * stdin ends (the bench closed it, or died).
 */
import { measureSoftphone } from '../softphone'
import { announceReady } from './child-lifecycle'
import { runCleanup } from './cleanup'

const root = process.cwd()
let stopping = false

function stop(code: number): void {
  if (stopping) return
  stopping = true
  // Chromium, two web hosts, the server and Kamailio: a few seconds to stop cleanly.
  setTimeout(() => process.exit(code || 1), 15_000).unref()
  void runCleanup().finally(() => process.exit(code))
}

process.on('SIGTERM', () => stop(143))
process.on('SIGINT', () => stop(130))
process.stdin.on('end', () => stop(1))
process.stdin.resume()

try {
  const result = await measureSoftphone({ root, log: (line) => console.log(line) })
  announceReady({ result })
  stop(0)
} catch (err) {
  console.error('softphone bench failed:', err)
  stop(1)
}
