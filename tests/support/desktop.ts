import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AgentApi, AgentApiEvent, AgentApiEventPayload } from '../../src/shared/ipc/agent-api'
import { createAgentApi } from '../../src/shared/ipc/typed-client'
import { createMainServices } from '../../src/main/services/main-services'
import type { MainServices } from '../../src/main/services/main-services.types'

/** The main-process services of one desktop, driven through the same router the renderer uses. */
export interface TestDesktop {
  services: MainServices
  api: AgentApi
  /** Resolves with the first event of that name matching `predicate`. */
  next<E extends AgentApiEvent>(event: E, predicate?: (payload: AgentApiEventPayload<E>) => boolean, timeoutMs?: number): Promise<AgentApiEventPayload<E>>
  /** Stops the services and keeps their files, like quitting the app. */
  stop(): Promise<void>
  /** Stops and deletes the files (unless they were an earlier desktop's). */
  dispose(): Promise<void>
}

/** Pass the `dataDir` of an earlier desktop to start it again on the same files (a restart of main). */
export async function startTestDesktop(existingDataDir?: string, options: { syncPageSize?: number } = {}): Promise<TestDesktop & { dataDir: string }> {
  const dataDir = existingDataDir ?? mkdtempSync(join(tmpdir(), 'omni-desktop-'))
  const services = await createMainServices(
    { dataDir, appVersion: 'test', host: 'web', defaultServerUrl: null },
    { connection: { backoff: { initialMs: 50, maxMs: 300 }, refreshMarginMs: 500 }, syncPageSize: options.syncPageSize },
  )
  const listeners = new Set<(event: string, payload: unknown) => void>()
  services.onEvent((event, payload) => listeners.forEach((l) => l(event, payload)))
  const api = createAgentApi({
    invoke: (method, input) => services.router.invoke(method, input),
    on: (event, listener) => {
      const l = (e: string, p: unknown) => e === event && listener(p)
      listeners.add(l)
      return () => listeners.delete(l)
    },
  })
  return {
    dataDir,
    services,
    api,
    next(event, predicate = () => true, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off()
          reject(new Error(`Timed out waiting for ${event}`))
        }, timeoutMs)
        const off = api.on(event, (payload) => {
          if (!predicate(payload)) return
          clearTimeout(timer)
          off()
          resolve(payload)
        })
      })
    },
    async stop() {
      await services.dispose()
    },
    async dispose() {
      await services.dispose()
      if (!existingDataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
