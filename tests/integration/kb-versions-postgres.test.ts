import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import type { KbArticleRecord } from '../../src/shared/domain/records'
import { KbArticleHistorySchema } from '../../src/shared/protocol/kb-api'
import type { SyncChange } from '../../src/shared/protocol/sync'
import { DEMO_PASSWORD, startDemoCentre, type DemoCentre } from '../support/demo-centre'
import { startPostgres, type PostgresServer } from '../support/postgres'
import { accessToken, agentSocket, okValue, pullAll, pushOps } from '../support/sync-centre'

// KB editing, history, attachments and settings on PostgreSQL: the same queries, a different engine.
let postgres: PostgresServer
let centre: DemoCentre
const sockets: Socket[] = []

beforeAll(async () => {
  postgres = await startPostgres()
  centre = await startDemoCentre({ customers: 10, articles: 20 }, { databaseUrl: postgres.url })
})
afterAll(async () => {
  sockets.forEach((s) => s.disconnect())
  await centre?.cleanup()
  await postgres?.stop()
})

describe('KB and settings on PostgreSQL', () => {
  it('edits with a version check, keeps the history, serves files, and syncs settings', async () => {
    const admin = await accessToken(centre.server.url, 'admin', DEMO_PASSWORD)
    const agent = await accessToken(centre.server.url, 'agent01', DEMO_PASSWORD)
    const article = await centre.server.db.selectFrom('kb_articles').selectAll().where('skill_group_id', 'is', null).orderBy('id').executeTakeFirstOrThrow()
    const edit = (baseVersion: number) =>
      fetch(`${centre.server.url}/api/kb/articles/${article.id}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ baseVersion, title: `${article.title}（修订）`, body: '<p>新正文</p>', tags: ['修订'], mandatory: article.mandatory === 1, categoryId: article.category_id }),
      })
    const [first, second] = await Promise.all([edit(article.version), edit(article.version)])
    // Two edits of the same base at once: exactly one wins, the other is a conflict.
    expect([first.status, second.status].sort()).toEqual([200, 409])
    const saved = (await (first.status === 200 ? first : second).json()) as KbArticleRecord
    expect(saved.version).toBe(article.version + 1)

    const history = KbArticleHistorySchema.parse(await (await fetch(`${centre.server.url}/api/kb/articles/${article.id}/versions`, { headers: { authorization: `Bearer ${agent}` } })).json())
    expect(history.versions.map((v) => v.version)).toEqual([article.version + 1, article.version])

    const seeded = await centre.server.db.selectFrom('attachments').select(['id', 'data']).where('source', '=', 'kb').executeTakeFirstOrThrow()
    const got = await fetch(`${centre.server.url}/api/attachments/${seeded.id}`, { headers: { authorization: `Bearer ${agent}` } })
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(new Uint8Array(seeded.data))
    const upload = await fetch(`${centre.server.url}/api/attachments?name=a.csv`, { method: 'POST', headers: { authorization: `Bearer ${agent}`, 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' })
    expect(upload.status).toBe(200)

    expect((await fetch(`${centre.server.url}/api/settings/acw.durationSec`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ value: 120 }) })).status).toBe(200)
    const socket = await agentSocket(centre.server.url, 'agent01', DEMO_PASSWORD)
    sockets.push(socket)
    const op = { id: crypto.randomUUID(), type: 'settings.set', payload: { key: 'ui.language', value: 'en' }, createdAt: Date.now() }
    expect(okValue(await pushOps(socket, [op, op])).results.map((r) => r.status)).toEqual(['applied', 'duplicate'])
    const settings = (await pullAll(socket, 1000)).flatMap((p) => p.changes as SyncChange[]).filter((c) => c.entity === 'setting')
    expect(settings.map((c) => [c.id, c.deleted ? null : c.data.value])).toEqual(
      expect.arrayContaining([
        ['centre:acw.durationSec', 120],
        [expect.stringMatching(/^agent:.+:ui\.language$/), 'en'],
      ]),
    )
  })
})
