import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { startWebHost, type WebHost } from '../../../src/main/web-host/web-host'
import { startTestCentre, type TestCentre } from '../../support/mini-centre'

export { PASSWORD } from '../../support/mini-centre'

export const RENDERER_DIR = resolve('out/renderer')

/** One agent workstation: its own web host (its own main-process services) and data folder. */
export async function startWorkstation(centre: TestCentre): Promise<WebHost & { dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'omni-ws-'))
  const host = await startWebHost({
    rendererDir: RENDERER_DIR,
    dataDir,
    defaultServerUrl: centre.server.url,
    services: { connection: { backoff: { initialMs: 100, maxMs: 1_000 } } },
  })
  return Object.assign(host, {
    async dispose() {
      await host.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  })
}

export { startTestCentre, type TestCentre }
