/** KB files, KB history and synced settings in the cache, through the cache worker on a real file. */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LocalCache } from '../../src/main/services/cache/local-cache'
import { openLocalCache } from '../../src/main/services/cache/open-local-cache'
import type { KbArticleRecord, SettingRecord } from '../../src/shared/domain/records'
import type { Operation } from '../../src/shared/protocol/sync'

let dir: string
let cache: LocalCache
let seq = 0

const article = (id: string, attachments: KbArticleRecord['attachments'], version = 1): KbArticleRecord => ({
  id,
  categoryId: 'cat',
  title: `文章${id}`,
  body: '<p>正文</p>',
  tags: [],
  mandatory: false,
  skillGroupId: null,
  version,
  updatedAt: Date.UTC(2025, 0, 1),
  attachments,
})
const file = (id: string, size: number) => ({ id, name: `${id}.csv`, mime: 'text/csv', size })
const change = (entity: string, id: string, data: unknown) => ({ seq: ++seq, entity, id, deleted: data === null, data })
const apply = (...changes: unknown[]) => cache.applyChanges(changes, seq)
const setOp = (key: string, value: unknown): Extract<Operation, { type: 'settings.set' }> =>
  ({ id: randomUUID(), type: 'settings.set', payload: { key, value }, createdAt: Date.now() }) as Extract<Operation, { type: 'settings.set' }>

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cache-kb-extras-'))
  cache = await openLocalCache({ dir, agentId: 'agent-x' })
})
afterEach(async () => {
  await cache?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('KB files in the cache', () => {
  it('lists an article’s files, reports the missing bytes, keeps downloaded ones, and drops them with the article', async () => {
    await apply(change('kb_article', 'a1', article('a1', [file('f1', 3), file('f2', 2)])), change('kb_article', 'a2', article('a2', [file('f2', 2)])))
    expect((await cache.getArticle('a1'))?.attachments.map((a) => a.id)).toEqual(['f1', 'f2'])
    expect((await cache.missingKbAttachments(10)).map((a) => a.id)).toEqual(['f1', 'f2'])

    await cache.storeAttachmentFile(file('f1', 3), new Uint8Array([1, 2, 3]))
    expect(await cache.missingKbAttachments(10)).toEqual([file('f2', 2)])
    expect(await cache.attachmentFile('f1')).toEqual({ ...file('f1', 3), dataBase64: Buffer.from([1, 2, 3]).toString('base64') })

    // Bytes that are not the file the ref describes are refused, and nothing is stored.
    await expect(cache.storeAttachmentFile(file('f2', 2), new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'invalid_argument' })
    await expect(cache.storeAttachmentFile({ id: 'f2', name: 'x', mime: 'text/csv', size: -1 }, new Uint8Array([]))).rejects.toMatchObject({ code: 'invalid_argument' })
    await expect(cache.storeAttachmentFile(file('f2', 2), 'AAA=' as never)).rejects.toMatchObject({ code: 'invalid_argument' })
    expect(await cache.attachmentFile('f2')).toBeNull()
    await cache.storeAttachmentFile(file('f2', 2), new Uint8Array([9, 9]))

    // The article loses a file: its bytes go once no article lists it any more; a tombstone takes the rest.
    await apply(change('kb_article', 'a1', article('a1', [file('f2', 2)], 2)))
    expect(await cache.attachmentFile('f1')).toBeNull()
    await apply(change('kb_article', 'a1', null))
    expect(await cache.attachmentFile('f2')).not.toBeNull()
    await apply(change('kb_article', 'a2', null))
    expect(await cache.attachmentFile('f2')).toBeNull()
  })

  it('keeps a fetched history, replaces it on the next fetch, and forgets it with the article', async () => {
    await apply(change('kb_article', 'a1', article('a1', [], 2)))
    expect(await cache.kbVersions('a1')).toBeNull()
    const history = {
      articleId: 'a1',
      versions: [
        { version: 2, title: '新', body: '<p>二</p>', tags: ['t'], editedBy: { id: 'ad', name: '管理员' }, at: 2 },
        { version: 1, title: '旧', body: '<p>一</p>', tags: [], editedBy: null, at: 1 },
      ],
    }
    await cache.storeKbVersions(history)
    expect(await cache.kbVersions('a1')).toEqual(history)
    await cache.storeKbVersions({ articleId: 'a1', versions: history.versions.slice(0, 1) })
    expect((await cache.kbVersions('a1'))?.versions).toHaveLength(1)
    await expect(cache.storeKbVersions({ articleId: 'a1', versions: [{ version: 0 }] } as never)).rejects.toMatchObject({ code: 'invalid_argument' })
    // A history of an article this desktop does not have is not kept.
    await cache.storeKbVersions({ ...history, articleId: 'elsewhere' })
    expect(await cache.kbVersions('elsewhere')).toBeNull()
    await apply(change('kb_article', 'a1', null))
    expect(await cache.kbVersions('a1')).toBeNull()
  })
})

describe('settings in the cache', () => {
  const centre = (key: string, value: unknown): SettingRecord => ({ id: `centre:${key}`, scope: 'centre', key, value: value as SettingRecord['value'] })
  const mine = (key: string, value: unknown): SettingRecord => ({ id: `agent:agent-x:${key}`, scope: 'agent', key, value: value as SettingRecord['value'] })

  it('shows defaults, then synced values; a value of the wrong shape counts as unset', async () => {
    expect(await cache.settings()).toEqual({
      centre: { 'inbox.offerTimeoutSec': 30, 'acw.durationSec': 60, 'recording.policy': 'all' },
      agent: { 'ui.language': 'zh-CN', 'notify.sound': true, 'notify.desktop': true },
      pendingKeys: [],
      chosenKeys: [],
    })
    await apply(
      change('setting', 'centre:acw.durationSec', centre('acw.durationSec', 90)),
      change('setting', 'centre:recording.policy', centre('recording.policy', 'sometimes')),
      change('setting', 'agent:agent-x:ui.language', mine('ui.language', 'en')),
    )
    const view = await cache.settings()
    expect(view.centre).toMatchObject({ 'acw.durationSec': 90, 'recording.policy': 'all' })
    expect(view.agent['ui.language']).toBe('en')
    expect(view.chosenKeys).toEqual(['ui.language'])
  })

  it('a local change shows at once, stays while queued, gives way to the synced value once delivered, and a discarded conflict undoes it', async () => {
    await apply(change('setting', 'agent:agent-x:notify.sound', mine('notify.sound', true)))
    const op = setOp('notify.sound', false)
    expect((await cache.setSetting(op)).agent['notify.sound']).toBe(false)
    expect((await cache.settings()).pendingKeys).toEqual(['notify.sound'])
    expect((await cache.nextOperations(10)).map((q) => q.op.id)).toEqual([op.id])

    // A sync page from before the server had the op does not undo the queued change.
    await apply(change('setting', 'agent:agent-x:notify.sound', mine('notify.sound', true)))
    expect((await cache.settings()).agent['notify.sound']).toBe(false)

    await cache.recordResults([{ id: op.id, status: 'applied' }])
    expect(await cache.settings()).toMatchObject({ agent: { 'notify.sound': false }, pendingKeys: [] })
    // Another desktop changed it since: the synced value wins now that ours was delivered.
    await apply(change('setting', 'agent:agent-x:notify.sound', mine('notify.sound', true)))
    expect((await cache.settings()).agent['notify.sound']).toBe(true)

    const refused = setOp('notify.desktop', false)
    await cache.setSetting(refused)
    await cache.recordResults([{ id: refused.id, status: 'rejected', error: { code: 'invalid_argument', message: 'no' } }])
    expect((await cache.settings()).agent['notify.desktop']).toBe(true)
    expect((await cache.outboxStatus()).conflicts.map((c) => c.opId)).toEqual([refused.id])
    await cache.resolveConflict(refused.id, 'discard')
    expect((await cache.outboxStatus()).conflicts).toEqual([])

    await expect(cache.setSetting(setOp('ui.language', 'fr'))).rejects.toMatchObject({ code: 'invalid_argument' })
    await expect(cache.setSetting(setOp('no.such', 1))).rejects.toMatchObject({ code: 'invalid_argument' })
    expect(await cache.nextOperations(10)).toEqual([])
  })

  it('a sync page with a malformed setting is refused whole', async () => {
    await expect(apply(change('setting', 'centre:x', { id: 'centre:x', scope: 'everyone', key: 'x', value: 1 }))).rejects.toMatchObject({ code: 'invalid_argument' })
    await expect(apply(change('kb_article', 'a1', { ...article('a1', []), attachments: [{ id: 'f', name: 'n', mime: 'm', size: -5 }] }))).rejects.toMatchObject({ code: 'invalid_argument' })
    expect(await cache.getArticle('a1')).toBeNull()
  })
})
