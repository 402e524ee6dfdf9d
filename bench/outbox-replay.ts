/**
 * Replay of 10,000 operations queued offline once the central server is back: from the
 * server's ready line to an empty outbox, checking that every operation landed exactly once.
 * Baseline in the same run: the same number of operations pushed by a bare socket.io client
 * in batches of 200, straight from memory (the floor set by the network and the server).
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Sqlite from 'better-sqlite3'
import { io } from 'socket.io-client'
import { createMainServices } from '../src/main/services/main-services'
import type { MainServices } from '../src/main/services/main-services.types'
import { openDatabase } from '../src/server/db/database'
import { migrateToLatest } from '../src/server/db/migrate'
import { DEFAULT_DEMO_PASSWORD, seedDemoData } from '../src/server/seed'
import type { Operation } from '../src/shared/protocol/sync'
import { readyLine, spawnTsChild, type BenchChild } from './support/child'
import { onCleanup } from './support/cleanup'
import { login } from './support/http'

export interface OutboxReplayResult {
  operations: number
  enqueueMs: number
  replayMs: number
  opsPerSecond: number
  baselineMs: number
  baselineOpsPerSecond: number
  landedOnce: boolean
  lost: number
  duplicated: number
}

const OPERATIONS = 10_000

export async function runOutboxReplay(options: { root: string; log: (line: string) => void }): Promise<OutboxReplayResult> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-bench-replay-'))
  const removeDir = onCleanup('replay temp folder', () => rmSync(dir, { recursive: true, force: true }))
  const dbFile = join(dir, 'server.sqlite')
  const db = openDatabase(dbFile)
  await migrateToLatest(db)
  await seedDemoData(db, { customers: 20, articles: 10 })
  const customerIds = (await db.selectFrom('customers').select('id').execute()).map((c) => c.id)
  await db.destroy()

  let server = await startServer(options.root, dbFile, 0)
  const port = server.port
  const services = await createMainServices({ dataDir: join(dir, 'desktop'), appVersion: 'bench', host: 'web', defaultServerUrl: null }, {
    connection: { backoff: { initialMs: 50, maxMs: 200 } },
  })
  const disposeServices = onCleanup('replay desktop', () => services.dispose())
  try {
    await call(services, 'session.login', { serverUrl: server.url, username: 'agent01', password: DEFAULT_DEMO_PASSWORD })
    await waitFor(services, 'sync.changed', (s: { phase: string; lastSyncedAt: number | null }) => s.phase === 'idle' && s.lastSyncedAt !== null, 30_000)
    await server.child.stop()
    await waitFor(services, 'connection.changed', (s: { status: string }) => s.status !== 'online', 10_000)

    const tag = `replay-${Date.now()}`
    const enqueueStart = performance.now()
    for (let i = 0; i < OPERATIONS; i++) {
      await call(services, 'customers.addNote', { customerId: customerIds[i % customerIds.length]!, text: `${tag}-${i}` })
    }
    const enqueueMs = performance.now() - enqueueStart
    options.log(`queued ${OPERATIONS} notes offline in ${(enqueueMs / 1000).toFixed(1)} s`)

    const drained = waitFor(services, 'outbox.changed', (s: { pending: number }) => s.pending === 0, 120_000)
    server = await startServer(options.root, dbFile, port)
    const replayStart = server.readyAt
    await drained
    const replayMs = performance.now() - replayStart
    options.log(`replayed ${OPERATIONS} operations in ${(replayMs / 1000).toFixed(1)} s`)

    const baselineMs = await rawPush(server.url, customerIds)
    options.log(`bare socket.io push of ${OPERATIONS} operations: ${(baselineMs / 1000).toFixed(1)} s`)
    await server.child.stop()

    const check = new Sqlite(dbFile, { readonly: true })
    const rows = check.prepare('select summary from interactions where summary like ?').all(`${tag}-%`) as Array<{ summary: string }>
    check.close()
    const distinct = new Set(rows.map((r) => r.summary)).size
    return {
      operations: OPERATIONS,
      enqueueMs,
      replayMs,
      opsPerSecond: OPERATIONS / (replayMs / 1000),
      baselineMs,
      baselineOpsPerSecond: OPERATIONS / (baselineMs / 1000),
      landedOnce: distinct === OPERATIONS && rows.length === OPERATIONS,
      lost: OPERATIONS - distinct,
      duplicated: rows.length - distinct,
    }
  } finally {
    await disposeServices()
    await server.child.stop()
    await removeDir()
  }
}

async function startServer(root: string, dbFile: string, port: number): Promise<{ child: BenchChild; url: string; port: number; readyAt: number }> {
  const child = spawnTsChild(join(root, 'bench', 'support', 'server-child.ts'), { name: 'replay server', cwd: root, args: [dbFile, String(port)] })
  const { value, at } = await child.waitForLine((line) => readyLine<{ ready: true; url: string; port: number }>(line), 30_000)
  return { child, url: value.url, port: value.port, readyAt: at }
}

/** The same notes as plain operations, pushed by a bare client in batches of 200. */
async function rawPush(url: string, customerIds: string[]): Promise<number> {
  const { response } = await login(url, 'agent02', DEFAULT_DEMO_PASSWORD)
  const socket = io(`${url}/agent`, { auth: { token: response.accessToken }, transports: ['websocket'], reconnection: false })
  await new Promise<void>((resolve, reject) => {
    socket.once('session:welcome', () => resolve())
    socket.once('connect_error', reject)
  })
  const ops: Operation[] = Array.from({ length: OPERATIONS }, (_, i) => ({
    id: randomUUID(),
    type: 'customer.note',
    payload: { customerId: customerIds[i % customerIds.length]!, noteId: randomUUID(), text: `baseline-${i}` },
    createdAt: Date.now(),
  }))
  const start = performance.now()
  for (let i = 0; i < ops.length; i += 200) {
    await socket.timeout(30_000).emitWithAck('sync:push', { ops: ops.slice(i, i + 200) })
  }
  const ms = performance.now() - start
  socket.close()
  return ms
}

async function call(services: MainServices, method: string, input: unknown): Promise<unknown> {
  const result = await services.router.invoke(method, input)
  if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`)
  return result.value
}

function waitFor<T>(services: MainServices, event: string, predicate: (payload: T) => boolean, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`timed out waiting for ${event}`))
    }, timeoutMs)
    const off = services.onEvent((name, payload) => {
      if (name !== event || !predicate(payload as T)) return
      clearTimeout(timer)
      off()
      resolve(payload as T)
    })
  })
}
