/**
 * A central server over the demo seed (smaller when asked), reached the way a desktop's main
 * process reaches it: a raw socket.io client on /agent. For the sync tests.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { io, type Socket } from 'socket.io-client'
import { startCentralServer, type CentralServer } from '../../src/server/app'
import { openDatabase } from '../../src/server/db/database'
import { migrateToLatest } from '../../src/server/db/migrate'
import { seedDemoData, type SeedSummary } from '../../src/server/seed'
import type { Result } from '../../src/shared/errors'
import type { Operation, SyncPage, SyncPushResult } from '../../src/shared/protocol/sync'

export const SYNC_PASSWORD = 'sync-pass-1'

export interface SyncCentre {
  server: CentralServer
  databaseUrl: string
  seed: SeedSummary
  cleanup(): Promise<void>
}

export async function startSyncCentre(options: { databaseUrl?: string; customers?: number; articles?: number } = {}): Promise<SyncCentre> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-sync-'))
  const databaseUrl = options.databaseUrl ?? join(dir, 'server.sqlite')
  const db = openDatabase(databaseUrl)
  await migrateToLatest(db)
  const seed = await seedDemoData(db, { password: SYNC_PASSWORD, customers: options.customers ?? 120, articles: options.articles ?? 80 })
  await db.destroy()
  const server = await startCentralServer({ databaseUrl, port: 0, logLevel: 'silent' })
  return {
    server,
    databaseUrl,
    seed,
    async cleanup() {
      await server.stop().catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export async function accessToken(baseUrl: string, username: string, password = SYNC_PASSWORD): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (!res.ok) throw new Error(`login of ${username} failed: ${res.status}`)
  return ((await res.json()) as { accessToken: string }).accessToken
}

/** A socket on /agent that has been welcomed (so the server has set it up completely). */
export async function agentSocket(baseUrl: string, username: string, password = SYNC_PASSWORD): Promise<Socket> {
  const token = await accessToken(baseUrl, username, password)
  const socket = io(`${baseUrl}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true })
  await new Promise<void>((resolve, reject) => {
    socket.once('session:welcome', () => resolve())
    socket.once('connect_error', reject)
  })
  return socket
}

export async function pullPage(socket: Socket, payload: unknown): Promise<Result<SyncPage>> {
  return (await socket.timeout(10_000).emitWithAck('sync:pull', payload)) as Result<SyncPage>
}

export async function pushOps(socket: Socket, ops: readonly unknown[], timeoutMs = 30_000): Promise<Result<SyncPushResult>> {
  return (await socket.timeout(timeoutMs).emitWithAck('sync:push', { ops })) as Result<SyncPushResult>
}

export function okValue<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`)
  return result.value
}

/** Pulls from `cursor` until the server says there is no more; returns every page. */
export async function pullAll(socket: Socket, limit: number, cursor = 0): Promise<SyncPage[]> {
  const pages: SyncPage[] = []
  for (;;) {
    const page = okValue(await pullPage(socket, { cursor, limit }))
    pages.push(page)
    cursor = page.cursor
    if (!page.hasMore) return pages
  }
}

export const noteOp = (customerId: string, text = '客户来电咨询话费，已解释。'): Extract<Operation, { type: 'customer.note' }> => ({
  id: crypto.randomUUID(),
  type: 'customer.note',
  payload: { customerId, noteId: crypto.randomUUID(), text },
  createdAt: Date.now(),
})

export const updateOp = (customerId: string, baseVersion: number, changes: Extract<Operation, { type: 'customer.update' }>['payload']['changes']): Operation => ({
  id: crypto.randomUUID(),
  type: 'customer.update',
  payload: { customerId, baseVersion, changes },
  createdAt: Date.now(),
})

export const signoffOp = (articleId: string, version: number): Operation => ({
  id: crypto.randomUUID(),
  type: 'kb.signoff',
  payload: { articleId, version },
  createdAt: Date.now(),
})
