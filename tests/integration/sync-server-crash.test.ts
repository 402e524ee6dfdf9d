import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Sqlite from 'better-sqlite3'
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/server/db/database'
import { migrateToLatest } from '../../src/server/db/migrate'
import { seedDemoData } from '../../src/server/seed'
import { agentSocket, noteOp, okValue, pushOps, SYNC_PASSWORD } from '../support/sync-centre'
import { spawnServerProcess, type ServerProcess } from '../support/sync-server-process'

const OPS = 1_000
const BATCH = 100
const KILL_AFTER_APPLIED = 330

let dir: string
let dbFile: string
const servers: ServerProcess[] = []
const sockets: Socket[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omni-sync-crash-'))
  dbFile = join(dir, 'server.sqlite')
  const db = openDatabase(dbFile)
  await migrateToLatest(db)
  await seedDemoData(db, { password: SYNC_PASSWORD, customers: 30, articles: 20 })
  await db.destroy()
}, 60_000)

afterAll(async () => {
  for (const s of sockets) s.close()
  for (const s of servers) await s.kill()
  rmSync(dir, { recursive: true, force: true })
})

async function start(): Promise<ServerProcess> {
  const server = await spawnServerProcess(dbFile)
  servers.push(server)
  return server
}

async function connect(server: ServerProcess): Promise<Socket> {
  const socket = await agentSocket(server.url, 'agent01')
  sockets.push(socket)
  return socket
}

/** Polls the database file from this process while the server process writes it. */
async function waitForAppliedOps(watcher: Sqlite.Database, atLeast: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs
  const query = watcher.prepare('select count(*) as n from applied_ops')
  for (;;) {
    const { n } = query.get() as { n: number }
    if (n >= atLeast) return n
    if (Date.now() > deadline) throw new Error(`only ${n} ops applied after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 1))
  }
}

describe('exactly once across a crash of the central server', () => {
  it(`applies ${OPS} queued ops once each when the server is SIGKILLed mid-push and the queue is resent from the start`, async () => {
    const watcher = new Sqlite(dbFile)
    try {
      const customers = (watcher.prepare('select id from customers order by id').all() as { id: string }[]).map((c) => c.id)
      const ops = Array.from({ length: OPS }, (_, i) => noteOp(customers[i % customers.length] as string, `离线期间记录的备注 #${i}`))
      const batches = Array.from({ length: OPS / BATCH }, (_, i) => ops.slice(i * BATCH, (i + 1) * BATCH))

      const first = await start()
      const socket = await connect(first)
      for (const batch of batches.slice(0, 3)) {
        expect(okValue(await pushOps(socket, batch)).results.every((r) => r.status === 'applied')).toBe(true)
      }
      // The rest goes out without waiting for answers, as a desktop draining its outbox would,
      // and the server dies while it works through them.
      for (const batch of batches.slice(3)) void pushOps(socket, batch, 60_000).catch(() => undefined)
      await waitForAppliedOps(watcher, KILL_AFTER_APPLIED, 30_000)
      await first.kill()
      socket.close()

      const appliedBeforeRestart = new Set((watcher.prepare('select op_id from applied_ops').all() as { op_id: string }[]).map((r) => r.op_id))
      console.log(`[sync crash] server killed with ${appliedBeforeRestart.size} of ${OPS} ops applied`)
      expect(appliedBeforeRestart.size).toBeGreaterThanOrEqual(KILL_AFTER_APPLIED)
      expect(appliedBeforeRestart.size).toBeLessThan(OPS)

      const second = await start()
      const again = await connect(second)
      const results = []
      for (const batch of batches) results.push(...okValue(await pushOps(again, batch)).results)
      expect(results.map((r) => r.id)).toEqual(ops.map((o) => o.id))
      for (const result of results) expect(result.status).toBe(appliedBeforeRestart.has(result.id) ? 'duplicate' : 'applied')

      const ids = ops.map((o) => o.id)
      const noteIds = ops.map((o) => o.payload.noteId)
      const marks = (n: number) => Array.from({ length: n }, () => '?').join(',')
      const recorded = watcher.prepare(`select op_id, status from applied_ops where op_id in (${marks(OPS)})`).all(...ids) as { op_id: string; status: string }[]
      expect(recorded).toHaveLength(OPS)
      expect(recorded.every((r) => r.status === 'applied')).toBe(true)
      const notes = watcher.prepare(`select id, summary from interactions where id in (${marks(OPS)})`).all(...noteIds) as { id: string; summary: string }[]
      expect(notes).toHaveLength(OPS)
      expect(new Set(notes.map((n) => n.summary)).size).toBe(OPS)
      const changes = watcher.prepare(`select count(*) as n from changes where entity = 'interaction' and entity_id in (${marks(OPS)})`).get(...noteIds) as { n: number }
      expect(changes.n).toBe(OPS)
      expect((watcher.prepare('select count(*) as n from applied_ops').get() as { n: number }).n).toBe(OPS)
      await second.stop()
    } finally {
      watcher.close()
    }
  }, 120_000)
})
