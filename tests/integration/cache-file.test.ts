/** The cache file: naming, migrations, damaged files moved aside, what survives a restart, the worker's life. */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cacheFileName } from '../../src/main/services/cache/cache-file'
import { MIGRATIONS } from '../../src/main/services/cache/migrations'
import { openLocalCache, WorkerLocalCache } from '../../src/main/services/cache/open-local-cache'
import { demoChanges, pagesOf } from '../support/dataset-changes'

const data = demoChanges({ customers: 40, articles: 60 })
let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cache-file-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

async function filled(agentId: string) {
  const cache = await openLocalCache({ dir, agentId })
  for (const page of pagesOf(data.changes, 1000)) await cache.applyChanges(page.changes, page.cursor)
  return cache
}

async function expectWorkingFreshCache(agentId: string) {
  const cache = await openLocalCache({ dir, agentId })
  try {
    expect(await cache.getCursor()).toBe(0)
    for (const page of pagesOf(data.changes, 1000)) await cache.applyChanges(page.changes, page.cursor)
    expect((await cache.searchKb({ query: '宽带' }, [])).total).toBeGreaterThan(0)
  } finally {
    await cache.close()
  }
}

describe('cache file', () => {
  it('is one file per agent, with a safe name, migrated once', async () => {
    expect(cacheFileName('4b7c0c8e-5f0e-4d43-9d51-4f7e0a1b2c3d')).toBe('4b7c0c8e-5f0e-4d43-9d51-4f7e0a1b2c3d.sqlite')
    const odd = cacheFileName('../a/b:c')
    expect(odd).toMatch(/^[A-Za-z0-9_-]+\.sqlite$/)
    expect(odd).not.toBe(cacheFileName('.._a_b_c'))
    expect(cacheFileName('')).toMatch(/^agent-[0-9a-f]+\.sqlite$/)

    const first = await openLocalCache({ dir, agentId: '../a/b:c' })
    expect(first.report).toEqual({ movedAsideTo: null, migrated: MIGRATIONS.map((m) => m.name) })
    await first.close()
    expect(existsSync(join(dir, odd))).toBe(true)
    const again = await openLocalCache({ dir, agentId: '../a/b:c' })
    expect(again.report).toEqual({ movedAsideTo: null, migrated: [] })
    await again.close()
    const db = new Database(join(dir, odd), { readonly: true })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    db.close()
  })

  it('moves a file that is not a database aside, keeps it byte for byte, and starts fresh', async () => {
    const file = join(dir, cacheFileName('agent-x'))
    const garbage = Buffer.from('this is not a database, just some text that happens to be here. '.repeat(100))
    writeFileSync(file, garbage)
    writeFileSync(`${file}-wal`, 'stale wal')
    const cache = await openLocalCache({ dir, agentId: 'agent-x' })
    const moved = cache.report.movedAsideTo!
    await cache.close()
    expect(moved).toMatch(/agent-x\.sqlite\.corrupt-\d{4}-\d{2}-\d{2}T[\d-]+Z$/)
    expect(readFileSync(moved)).toEqual(garbage)
    expect(readFileSync(`${moved}-wal`, 'utf8')).toBe('stale wal')
    expect(cache.report.migrated).toEqual(MIGRATIONS.map((m) => m.name))
    await expectWorkingFreshCache('agent-x')
  })

  it('moves a truncated database aside and starts fresh', async () => {
    const cache = await filled('agent-t')
    await cache.close()
    const file = join(dir, cacheFileName('agent-t'))
    const size = statSync(file).size
    truncateSync(file, Math.floor(size * 0.6))
    const reopened = await openLocalCache({ dir, agentId: 'agent-t' })
    expect(reopened.report.movedAsideTo).not.toBeNull()
    expect(statSync(reopened.report.movedAsideTo!).size).toBe(Math.floor(size * 0.6))
    await reopened.close()
    await expectWorkingFreshCache('agent-t')
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toHaveLength(1)
  })

  it('moves aside a file whose pages fail the integrity check, and one from a newer build', async () => {
    const cache = await filled('agent-c')
    await cache.close()
    const file = join(dir, cacheFileName('agent-c'))
    const bytes = readFileSync(file)
    // Scribble over the middle pages, keeping the header valid.
    for (let i = Math.floor(bytes.length / 3); i < Math.floor(bytes.length / 3) + 16_384; i++) bytes[i] = (i * 7) & 0xff
    writeFileSync(file, bytes)
    const reopened = await openLocalCache({ dir, agentId: 'agent-c' })
    expect(reopened.report.movedAsideTo).not.toBeNull()
    await reopened.close()

    const db = new Database(file)
    db.pragma(`user_version = ${MIGRATIONS.length + 5}`)
    db.close()
    const newer = await openLocalCache({ dir, agentId: 'agent-c' })
    expect(newer.report.movedAsideTo).not.toBeNull()
    await newer.close()
  })

  it('keeps drafts, the outbox and synced data across close and reopen', async () => {
    const cache = await filled('agent-d')
    await cache.setDraft('chat:42', '您好，您反映的问题')
    await cache.setDraft('gone', 'x')
    expect(await cache.setDraft('gone', '')).toMatchObject({ key: 'gone', text: '' })
    const op = { id: randomUUID(), type: 'agentState.set' as const, payload: { state: 'not_ready' as const, reasonCode: 'meal' }, createdAt: 1 }
    await cache.enqueue(op)
    const cursor = await cache.getCursor()
    await cache.close()
    await expect(cache.getCursor()).rejects.toMatchObject({ code: 'internal' })

    const reopened = await openLocalCache({ dir, agentId: 'agent-d' })
    expect(await reopened.getDraft('chat:42')).toMatchObject({ key: 'chat:42', text: '您好，您反映的问题' })
    expect(await reopened.getDraft('gone')).toBeNull()
    expect((await reopened.nextOperations(5)).map((q) => q.op)).toEqual([op])
    expect(await reopened.getCursor()).toBe(cursor)
    expect((await reopened.getCustomer(data.customers[0]!.id))?.customer.name).toBe(data.customers[0]!.name)
    await reopened.close()
  })

  it('stores a page and its cursor together: a bad record rejects the whole page', async () => {
    const cache = await openLocalCache({ dir, agentId: 'agent-p' })
    const good = data.changes.slice(0, 5)
    const bad = { ...data.changes[10]!, data: { title: 'no id' } }
    await expect(cache.applyChanges([...good, bad] as typeof good, 99)).rejects.toMatchObject({ code: 'invalid_argument' })
    expect(await cache.getCursor()).toBe(0)
    expect((await cache.kbCategories()).length).toBe(0)
    await expect(cache.applyChanges(good, -1)).rejects.toMatchObject({ code: 'invalid_argument' })
    await cache.applyChanges(good, 5)
    expect(await cache.getCursor()).toBe(5)
    await cache.close()
  })
})

describe('cache worker', () => {
  it('rejects the calls in flight when the worker dies, and the next call starts a new one', async () => {
    const cache = await WorkerLocalCache.open({ dir, agentId: 'agent-w' })
    for (const page of pagesOf(data.changes, 1000)) await cache.applyChanges(page.changes, page.cursor)
    const firstThread = cache.threadId
    const inFlight = Array.from({ length: 20 }, () => cache.searchKb({ query: '宽带', limit: 100 }, []))
    await cache.killWorkerForTesting()
    const settled = await Promise.allSettled(inFlight)
    const rejected = settled.filter((s) => s.status === 'rejected')
    expect(rejected.length).toBeGreaterThan(0)
    for (const r of rejected) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'internal', message: expect.stringContaining('stopped unexpectedly') })
    expect(cache.threadId).toBeNull()
    expect((await cache.searchKb({ query: '宽带' }, [])).total).toBeGreaterThan(0)
    expect(cache.threadId).not.toBe(firstThread)
    await cache.close()
  })

  it('reports errors as AppErrors with a code, and keeps working after them', async () => {
    const cache = await openLocalCache({ dir, agentId: 'agent-e' })
    await expect(cache.resolveConflict(randomUUID(), 'discard')).rejects.toMatchObject({ name: 'AppError', code: 'not_found' })
    await expect(cache.nextOperations(-1)).rejects.toMatchObject({ code: 'invalid_argument' })
    expect(await cache.outboxStatus()).toEqual({ pending: 0, conflicts: [], lastDeliveredAt: null })
    await cache.close()
    await cache.close()
  })
})
