/** The outbox through the cache worker: order, answers, conflicts, and local records under sync. */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LocalCache } from '../../src/main/services/cache/local-cache'
import { openLocalCache } from '../../src/main/services/cache/open-local-cache'
import type { KbArticleRecord } from '../../src/shared/domain/records'
import type { Operation } from '../../src/shared/protocol/sync'
import { demoChanges, pagesOf, type DatasetChanges } from '../support/dataset-changes'

type Op<T extends Operation['type']> = Extract<Operation, { type: T }>

const AGENT = { id: 'agent-o', name: '测试座席' }
const data: DatasetChanges = demoChanges({ customers: 30, articles: 40 })
let dir: string
let cache: LocalCache
let seq = 2_000_000
let clock = Date.UTC(2025, 6, 1)

const noteOp = (customerId: string, text: string): Op<'customer.note'> => ({
  id: randomUUID(),
  type: 'customer.note',
  payload: { customerId, noteId: randomUUID(), text },
  createdAt: clock++,
})
const signoffOp = (article: KbArticleRecord): Op<'kb.signoff'> => ({
  id: randomUUID(),
  type: 'kb.signoff',
  payload: { articleId: article.id, version: article.version },
  createdAt: clock++,
})
const updateOp = (customerId: string, changes: Op<'customer.update'>['payload']['changes']): Op<'customer.update'> => ({
  id: randomUUID(),
  type: 'customer.update',
  payload: { customerId, baseVersion: 1, changes },
  createdAt: clock++,
})
const stateOp = (): Op<'agentState.set'> => ({ id: randomUUID(), type: 'agentState.set', payload: { state: 'not_ready', reasonCode: 'break' }, createdAt: clock++ })

const mandatory = data.articles.filter((a) => a.mandatory)

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cache-outbox-'))
  cache = await openLocalCache({ dir, agentId: 'agent-o' })
  for (const page of pagesOf(data.changes, 1000)) await cache.applyChanges(page.changes, page.cursor)
})

afterEach(async () => {
  await cache?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('outbox', () => {
  it('hands out queued operations in the order they were taken, with rising positions', async () => {
    const ops: Operation[] = [noteOp(data.customers[0]!.id, '一'), stateOp(), signoffOp(mandatory[0]!), updateOp(data.customers[1]!.id, { city: '苏州' }), noteOp(data.customers[2]!.id, '二')]
    await cache.addNote(ops[0] as Op<'customer.note'>, AGENT)
    await cache.enqueue(ops[1]!)
    await cache.signoff(ops[2] as Op<'kb.signoff'>)
    await cache.updateCustomer(ops[3] as Op<'customer.update'>)
    await cache.addNote(ops[4] as Op<'customer.note'>, AGENT)
    const queued = await cache.nextOperations(10)
    expect(queued.map((q) => q.op)).toEqual(ops)
    expect(queued.map((q) => q.position)).toEqual([...queued.map((q) => q.position)].sort((a, b) => a - b))
    expect(new Set(queued.map((q) => q.position)).size).toBe(5)
    expect((await cache.nextOperations(2)).map((q) => q.op.id)).toEqual([ops[0]!.id, ops[1]!.id])
    expect((await cache.outboxStatus()).pending).toBe(5)
    await expect(cache.enqueue(ops[1]!)).rejects.toMatchObject({ code: 'conflict' })
    await expect(cache.enqueue({ ...stateOp(), id: 'not-a-uuid' })).rejects.toMatchObject({ code: 'invalid_argument' })
  })

  it('removes applied and duplicate answers, keeps rejected ones as conflicts with a summary, ignores unknown ids', async () => {
    const customer = data.customers[3]!
    const a = noteOp(customer.id, '客户来电咨询宽带续约的优惠政策，已告知')
    const b = stateOp()
    const c = signoffOp(mandatory[0]!)
    const d = noteOp(customer.id, '第二条')
    const e = updateOp(customer.id, { name: '新名字', notes: '改了' })
    await cache.addNote(a, AGENT)
    await cache.enqueue(b)
    await cache.signoff(c)
    await cache.addNote(d, AGENT)
    await cache.updateCustomer(e)
    expect((await cache.outboxStatus()).lastDeliveredAt).toBeNull()
    await cache.recordResults([
      { id: a.id, status: 'applied' },
      { id: b.id, status: 'duplicate' },
      { id: c.id, status: 'rejected', error: { code: 'conflict', message: '文章已更新' } },
      { id: d.id, status: 'duplicate', error: { code: 'not_found', message: '客户不存在' } },
      { id: e.id, status: 'rejected' },
      { id: randomUUID(), status: 'applied' },
    ])
    const status = await cache.outboxStatus()
    expect(status.pending).toBe(0)
    expect(status.lastDeliveredAt).toBeGreaterThan(0)
    expect(status.conflicts.map((x) => x.opId)).toEqual([c.id, d.id, e.id])
    expect(status.conflicts[0]).toMatchObject({ type: 'kb.signoff', summary: `签收《${mandatory[0]!.title}》（第${mandatory[0]!.version}版）`, error: { code: 'conflict', message: '文章已更新' } })
    // The customer is shown (and named) with the agent's own edit applied.
    expect(status.conflicts[1]).toMatchObject({ type: 'customer.note', summary: '新名字的备注：第二条', error: { code: 'not_found' } })
    expect(status.conflicts[2]!.summary).toContain('姓名、备注')
    expect(status.conflicts[2]!.error.code).toBe('conflict')
    expect(await cache.nextOperations(10)).toEqual([])
    const card = (await cache.getCustomer(customer.id))!
    expect(card.interactions.find((i) => i.id === a.payload.noteId)!.delivery).toBe('sent')
    expect(card.interactions.find((i) => i.id === d.payload.noteId)!.delivery).toBe('conflict')
    expect(card.pendingUpdate).toBe('conflict')
    expect((await cache.getArticle(mandatory[0]!.id))!.signoffDelivery).toBe('conflict')
  })

  it('discard undoes the local effect of each kind of operation', async () => {
    const customer = data.customers[4]!
    const article = mandatory[0]!
    const n = noteOp(customer.id, '要撤销的备注')
    const s = signoffOp(article)
    const u = updateOp(customer.id, { name: '改错的名字', city: null })
    await cache.addNote(n, AGENT)
    await cache.signoff(s)
    expect((await cache.pendingSignoffs()).map((p) => p.id)).not.toContain(article.id)
    await cache.updateCustomer(u)
    await cache.recordResults([n, s, u].map((op) => ({ id: op.id, status: 'rejected' as const, error: { code: 'conflict' as const, message: 'no' } })))

    // A newer server record arrives while the edit is in conflict: discarding restores that one.
    const newer = { ...customer, notes: '服务器上的新备注', version: 2 }
    await cache.applyChanges([{ seq: ++seq, entity: 'customer', id: customer.id, deleted: false, data: newer }], seq)
    expect((await cache.getCustomer(customer.id))!.customer).toMatchObject({ name: '改错的名字', city: null, notes: '服务器上的新备注' })

    let status = await cache.resolveConflict(n.id, 'discard')
    expect(status.conflicts.map((c) => c.opId)).toEqual([s.id, u.id])
    expect((await cache.getCustomer(customer.id))!.interactions.map((i) => i.id)).not.toContain(n.payload.noteId)
    await cache.resolveConflict(s.id, 'discard')
    expect((await cache.pendingSignoffs()).map((p) => p.id)).toContain(article.id)
    expect((await cache.getArticle(article.id))!).toMatchObject({ signedVersion: null, signoffDelivery: null })
    status = await cache.resolveConflict(u.id, 'discard')
    expect(status).toMatchObject({ pending: 0, conflicts: [] })
    const restored = (await cache.getCustomer(customer.id))!
    expect(restored.customer).toEqual(newer)
    expect(restored.pendingUpdate).toBeNull()
    await expect(cache.resolveConflict(u.id, 'discard')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('retry queues the operation again at the end; a queued operation cannot be resolved', async () => {
    const first = stateOp()
    const second = noteOp(data.customers[5]!.id, '稍后重试')
    const third = stateOp()
    await cache.enqueue(first)
    await cache.addNote(second, AGENT)
    await cache.enqueue(third)
    await expect(cache.resolveConflict(first.id, 'retry')).rejects.toMatchObject({ code: 'invalid_argument' })
    await cache.recordResults([{ id: first.id, status: 'rejected', error: { code: 'conflict', message: 'x' } }])
    const status = await cache.resolveConflict(first.id, 'retry')
    expect(status).toMatchObject({ pending: 3, conflicts: [] })
    expect((await cache.nextOperations(10)).map((q) => q.op.id)).toEqual([second.id, third.id, first.id])
  })

  it('sign-offs: pending until answered even when the server copy arrives first, never asked again once given', async () => {
    const article = mandatory[1]!
    expect((await cache.pendingSignoffs()).map((p) => p.id)).toContain(article.id)
    const op = signoffOp(article)
    const view = await cache.signoff(op)
    expect(view).toMatchObject({ id: article.id, signedVersion: article.version, signoffDelivery: 'pending' })
    const record = { id: `${AGENT.id}:${article.id}`, articleId: article.id, version: article.version, signedAt: op.createdAt }
    await cache.applyChanges([{ seq: ++seq, entity: 'kb_signoff', id: record.id, deleted: false, data: record }], seq)
    expect((await cache.getArticle(article.id))!.signoffDelivery).toBe('pending')
    await cache.recordResults([{ id: op.id, status: 'applied' }])
    expect((await cache.getArticle(article.id))!).toMatchObject({ signedVersion: article.version, signoffDelivery: 'sent' })
    expect((await cache.pendingSignoffs()).map((p) => p.id)).not.toContain(article.id)
    // A new version of the regulation asks again.
    await cache.applyChanges([{ seq: ++seq, entity: 'kb_article', id: article.id, deleted: false, data: { ...article, version: article.version + 1 } }], seq)
    expect((await cache.pendingSignoffs()).map((p) => p.id)).toContain(article.id)
  })

  it('a delivered sign-off stays signed before the server copy is synced', async () => {
    const article = mandatory[2]!
    const op = signoffOp(article)
    await cache.signoff(op)
    await cache.recordResults([{ id: op.id, status: 'applied' }])
    expect((await cache.pendingSignoffs()).map((p) => p.id)).not.toContain(article.id)
    expect((await cache.getArticle(article.id))!.signoffDelivery).toBe('sent')
  })

  it('tombstones remove synced interactions and sign-offs, but not a note still waiting for its answer', async () => {
    const customer = data.customers[8]!
    const synced = data.interactions.find((i) => i.customerId === customer.id)!
    const queued = noteOp(customer.id, '还在排队的备注')
    await cache.addNote(queued, AGENT)
    const article = mandatory[3] ?? mandatory[0]!
    const signoff = { id: `${AGENT.id}:${article.id}`, articleId: article.id, version: article.version, signedAt: 1 }
    await cache.applyChanges([{ seq: ++seq, entity: 'kb_signoff', id: signoff.id, deleted: false, data: signoff }], seq)
    expect((await cache.getArticle(article.id))!.signedVersion).toBe(article.version)
    await cache.applyChanges(
      [
        { seq: ++seq, entity: 'interaction', id: synced.id, deleted: true, data: null },
        { seq: ++seq, entity: 'interaction', id: queued.payload.noteId, deleted: true, data: null },
        { seq: ++seq, entity: 'kb_signoff', id: signoff.id, deleted: true, data: null },
      ],
      seq,
    )
    const ids = (await cache.getCustomer(customer.id))!.interactions.map((i) => i.id)
    expect(ids).not.toContain(synced.id)
    expect(ids).toContain(queued.payload.noteId)
    expect((await cache.getArticle(article.id))!).toMatchObject({ signedVersion: null, signoffDelivery: null })
    expect((await cache.pendingSignoffs()).map((p) => p.id)).toContain(article.id)
  })

  it('reset drops synced data but keeps the outbox, local notes and drafts', async () => {
    const customer = data.customers[6]!
    const n = noteOp(customer.id, '离线写的备注')
    await cache.addNote(n, AGENT)
    await cache.setDraft('reply:1', '您好，')
    await cache.resetSyncedData()
    expect(await cache.getCursor()).toBe(0)
    expect(await cache.getCustomer(customer.id)).toBeNull()
    expect((await cache.searchKb({ query: '' }, [])).total).toBe(0)
    expect((await cache.nextOperations(10)).map((q) => q.op.id)).toEqual([n.id])
    expect((await cache.getDraft('reply:1'))?.text).toBe('您好，')
    for (const page of pagesOf(data.changes, 1000)) await cache.applyChanges(page.changes, page.cursor)
    const card = (await cache.getCustomer(customer.id))!
    expect(card.interactions.find((i) => i.id === n.payload.noteId)).toMatchObject({ summary: '离线写的备注', delivery: 'pending' })
  })
})
