/**
 * Migration 008 on a centre that already has conversations (SQLite rebuilds the conversations
 * table to widen its channel check; PostgreSQL swaps the constraint), then calls pushed the way a
 * desktop pushes them, on both databases.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Migrator, sql, type Migration } from 'kysely'
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCentralServer, type CentralServer } from '../../src/server/app'
import { openDatabase, type Db } from '../../src/server/db/database'
import { migrateToLatest } from '../../src/server/db/migrate'
import * as m001 from '../../src/server/db/migrations/001-initial'
import * as m002 from '../../src/server/db/migrations/002-sync'
import * as m003 from '../../src/server/db/migrations/003-inbox'
import * as m004 from '../../src/server/db/migrations/004-kb'
import * as m005 from '../../src/server/db/migrations/005-qq'
import * as m006 from '../../src/server/db/migrations/006-email'
import * as m007 from '../../src/server/db/migrations/007-webchat'
import type { CallRecord } from '../../src/shared/domain/phone'
import type { Operation } from '../../src/shared/protocol/sync'
import { pushOne } from '../support/inbox-centre'
import { PASSWORD, seedMiniCentre } from '../support/mini-centre'
import { startPostgres, type PostgresServer } from '../support/postgres'
import { agentSocket } from '../support/sync-centre'

const BEFORE_008: Record<string, Migration> = {
  '001-initial': m001,
  '002-sync': m002,
  '003-inbox': m003,
  '004-kb': m004,
  '005-qq': m005,
  '006-email': m006,
  '007-webchat': m007,
}

/** A centre as it was before 008: the mini centre, a customer, and a chat with two messages and a visitor's read mark. */
async function seedBefore008(db: Db): Promise<void> {
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => BEFORE_008 } }).migrateToLatest()
  if (error) throw error
  await seedMiniCentre(db)
  const now = Date.now()
  await db.insertInto('customers').values({ id: 'c1', name: '赵敏', tier: '金', kind: 'person', company: null, city: null, notes: '', tags: '', created_at: now, updated_at: now }).execute()
  await db.insertInto('customer_contacts').values({ id: 'cc1', customer_id: 'c1', kind: 'phone', value: '13800138000', normalized: '13800138000' }).execute()
  await db
    .insertInto('conversations')
    .values({
      id: 'conv-old', channel: 'chat', status: 'open', thread_key: 'visitor-1', subject: '官网在线客服', identity_kind: 'visitor', identity_value: 'visitor-1',
      identity_name: '访客', customer_id: 'c1', tier: '金', priority: 2, skill_group_id: 's1', assigned_agent_id: 'a1', offer_expires_at: null, meta: '{}',
      created_at: now, queued_at: now, last_message_at: now, last_message_preview: '你好', unread: 1, first_response_due_at: null, first_responded_at: null,
      resolution_due_at: null, sla_alarmed: '', snoozed_until: null, resolved_at: null, disposition: null, rating: null, version: 1, updated_at: now,
    })
    .execute()
  const message = (id: string, text: string) => ({
    id, conversation_id: 'conv-old', direction: 'in' as const, author_name: '访客', agent_id: null, text, html: null, attachments: '[]', reply_to_id: null,
    external_id: null, delivery: null, delivery_error: null, recalled: 0, created_at: now,
  })
  await db.insertInto('messages').values([message('m1', '你好'), message('m2', '在吗')]).execute()
  await db.insertInto('webchat_reads').values({ conversation_id: 'conv-old', up_to_message_id: 'm1', read_at: now }).execute()
}

const missedCall = (): CallRecord => ({
  id: `call-${randomUUID()}`, direction: 'inbound', remoteNumber: '138 0013 8000', customerId: null, offeredAt: Date.now() - 60_000, answeredAt: null,
  endedAt: Date.now() - 40_000, durationSec: 0, missed: true, endCause: 'canceled', disposition: null, note: null, transferredTo: null,
})
const callLogOp = (payload: CallRecord): Operation => ({ id: randomUUID(), type: 'call.log', payload, createdAt: Date.now() })

describe.each(['sqlite', 'postgres'] as const)('migration 008 on %s', (backend) => {
  let dir: string
  let postgres: PostgresServer | undefined
  let server: CentralServer
  let migrated: string[]
  const sockets: Socket[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omni-calls-migrate-'))
    postgres = backend === 'postgres' ? await startPostgres() : undefined
    const url = postgres?.url ?? join(dir, 'server.sqlite')
    const db = openDatabase(url)
    await seedBefore008(db)
    migrated = await migrateToLatest(db)
    await db.destroy()
    server = await startCentralServer({ databaseUrl: url, port: 0, logLevel: 'silent' })
  }, 60_000)
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect())
    await server?.stop()
    await postgres?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps every conversation, message and reference, and the foreign keys still hold', async () => {
    expect(migrated[0]).toBe('008-calls')
    const { db } = server
    expect(await db.selectFrom('conversations').select(['id', 'channel', 'customer_id']).execute()).toEqual([{ id: 'conv-old', channel: 'chat', customer_id: 'c1' }])
    expect((await db.selectFrom('messages').select('id').orderBy('id').execute()).map((m) => m.id)).toEqual(['m1', 'm2'])
    expect(await db.selectFrom('webchat_reads').select('up_to_message_id').execute()).toEqual([{ up_to_message_id: 'm1' }])
    if (backend === 'sqlite') {
      expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys).toBe(1)
      expect((await sql`pragma foreign_key_check`.execute(db)).rows).toEqual([])
      const indexes = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'conversations' and sql is not null order by name`.execute(db)
      expect(indexes.rows.map((r) => r.name)).toEqual(['conversations_assigned', 'conversations_queue', 'conversations_thread'])
    }
    // Still an unknown channel is refused.
    await expect(sql`update conversations set channel = 'fax' where id = 'conv-old'`.execute(db)).rejects.toThrow()
    expect((await db.selectFrom('conversations').select('channel').executeTakeFirstOrThrow()).channel).toBe('chat')
  })

  it('files a pushed missed call as a phone conversation and keeps the call', async () => {
    const socket = await agentSocket(server.url, 'agent1', PASSWORD)
    sockets.push(socket)
    const call = missedCall()
    expect(await pushOne(socket, callLogOp(call))).toMatchObject({ status: 'applied' })
    const again = { ...call, id: `call-${randomUUID()}`, offeredAt: call.offeredAt + 1_000, endedAt: call.endedAt + 1_000 }
    expect(await pushOne(socket, callLogOp(again))).toMatchObject({ status: 'applied' })
    const { db } = server
    const rows = await db.selectFrom('calls').selectAll().orderBy('offered_at').execute()
    expect(rows.map((r) => [r.id, r.agent_id, r.missed, r.customer_id])).toEqual([[call.id, 'a1', 1, null], [again.id, 'a1', 1, null]])
    const conversations = await db.selectFrom('conversations').selectAll().where('channel', '=', 'phone').execute()
    expect(conversations).toHaveLength(1)
    expect(conversations[0]).toMatchObject({ status: 'open', assigned_agent_id: 'a1', customer_id: 'c1', identity_value: '13800138000', unread: 2 })
    expect(rows.map((r) => r.conversation_id)).toEqual([conversations[0]!.id, conversations[0]!.id])
    expect(await db.selectFrom('messages').select('id').where('conversation_id', '=', conversations[0]!.id).execute()).toHaveLength(2)

    // Deleting a conversation still takes its messages (the rebuilt table is what they reference); its calls stay.
    await db.deleteFrom('conversations').where('id', '=', conversations[0]!.id).execute()
    expect(await db.selectFrom('messages').select('id').where('conversation_id', '=', conversations[0]!.id).execute()).toEqual([])
    expect((await db.selectFrom('calls').select('conversation_id').execute()).map((r) => r.conversation_id)).toEqual([null, null])
  })
})
