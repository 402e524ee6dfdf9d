import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import type { KbArticleRecord } from '../../src/shared/domain/records'
import { KbArticleHistorySchema } from '../../src/shared/protocol/kb-api'
import type { SyncChange } from '../../src/shared/protocol/sync'
import { DEMO_PASSWORD, startDemoCentre, type DemoCentre } from '../support/demo-centre'
import { accessToken, agentSocket, pullAll, pushOps, okValue, signoffOp } from '../support/sync-centre'

let centre: DemoCentre
let adminToken: string
let agentToken: string
const sockets: Socket[] = []

beforeAll(async () => {
  centre = await startDemoCentre({ customers: 10, articles: 30 })
  adminToken = await accessToken(centre.server.url, 'admin', DEMO_PASSWORD)
  agentToken = await accessToken(centre.server.url, 'agent01', DEMO_PASSWORD)
})
afterAll(async () => {
  sockets.forEach((s) => s.disconnect())
  await centre.cleanup()
})

function put(id: string, body: unknown, token = adminToken): Promise<Response> {
  return fetch(`${centre.server.url}/api/kb/articles/${encodeURIComponent(id)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

async function history(id: string, token = agentToken) {
  const res = await fetch(`${centre.server.url}/api/kb/articles/${encodeURIComponent(id)}/versions`, { headers: { authorization: `Bearer ${token}` } })
  return { status: res.status, body: (await res.json()) as unknown }
}

async function anArticle(where: { mandatory?: boolean; restricted?: boolean }) {
  let query = centre.server.db.selectFrom('kb_articles').selectAll().orderBy('id')
  if (where.mandatory !== undefined) query = query.where('mandatory', '=', where.mandatory ? 1 : 0)
  if (where.restricted !== undefined) query = query.where('skill_group_id', where.restricted ? 'is not' : 'is', null)
  return query.executeTakeFirstOrThrow()
}

const edit = (a: { version: number; category_id: string }, fields: Partial<{ title: string; body: string; tags: string[]; mandatory: boolean }> = {}) => ({
  baseVersion: a.version,
  title: '新标题',
  body: '<p>新的正文</p>',
  tags: ['新标签'],
  mandatory: false,
  categoryId: a.category_id,
  ...fields,
})

describe('KB versions on the server', () => {
  it('an admin edit writes a new version, sanitises the body, logs the change, and keeps the history', async () => {
    const article = await anArticle({ mandatory: false, restricted: false })
    const res = await put(article.id, edit(article, { title: '停机保号办理说明（修订）', body: '<p>先核实身份<script>alert(1)</script><img src=x onerror=alert(1)></p><p onclick="x()">再办理</p>', tags: ['停机', '保号'] }))
    expect(res.status).toBe(200)
    const saved = (await res.json()) as KbArticleRecord
    expect(saved.version).toBe(article.version + 1)
    expect(saved.body).toBe('<p>先核实身份</p><p>再办理</p>')
    expect(saved.tags).toEqual(['停机', '保号'])

    const h = await history(article.id)
    expect(h.status).toBe(200)
    const parsed = KbArticleHistorySchema.parse(h.body)
    expect(parsed.versions.map((v) => v.version)).toEqual([article.version + 1, article.version])
    const admin = await centre.server.db.selectFrom('agents').select(['id', 'display_name']).where('username', '=', 'admin').executeTakeFirstOrThrow()
    expect(parsed.versions[0]).toMatchObject({ title: '停机保号办理说明（修订）', editedBy: { id: admin.id, name: admin.display_name } })
    expect(parsed.versions[1]).toMatchObject({ title: article.title, body: article.body, editedBy: null })

    const socket = await agentSocket(centre.server.url, 'agent01', DEMO_PASSWORD)
    sockets.push(socket)
    const changes = (await pullAll(socket, 1000)).flatMap((p) => p.changes as SyncChange[])
    const pulled = changes.find((c) => c.entity === 'kb_article' && c.id === article.id)
    expect(pulled?.data).toMatchObject({ version: article.version + 1, title: '停机保号办理说明（修订）' })
  })

  it('a stale base version is a conflict and changes nothing', async () => {
    const article = await anArticle({ mandatory: false, restricted: false })
    const res = await put(article.id, { ...edit(article, { title: '不该保存' }), baseVersion: article.version + 5 })
    expect(res.status).toBe(409)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('conflict')
    const after = await centre.server.db.selectFrom('kb_articles').select(['version', 'title']).where('id', '=', article.id).executeTakeFirstOrThrow()
    expect(after).toEqual({ version: article.version, title: article.title })
  })

  it('refuses non-admins, bad input, unknown articles and categories', async () => {
    const article = await anArticle({ mandatory: false })
    expect((await put(article.id, edit(article), agentToken)).status).toBe(403)
    expect((await put(article.id, { ...edit(article), title: '' })).status).toBe(400)
    expect((await put(article.id, { ...edit(article), tags: ['a,b'] })).status).toBe(400)
    expect((await put(article.id, { ...edit(article), extra: 1 })).status).toBe(400)
    expect((await put(article.id, { ...edit(article), categoryId: 'no-such-category' })).status).toBe(400)
    expect((await put(article.id, { ...edit(article), attachmentIds: ['no-such-file'] })).status).toBe(400)
    expect((await put('no-such-article', edit(article))).status).toBe(404)
    expect((await fetch(`${centre.server.url}/api/kb/articles/${article.id}`, { method: 'PUT', body: 'x' })).status).toBe(401)
    const after = await centre.server.db.selectFrom('kb_articles').select('version').where('id', '=', article.id).executeTakeFirstOrThrow()
    expect(after.version).toBe(article.version)
  })

  it('history answers 404 for an article the agent may not see', async () => {
    const restricted = await centre.server.db
      .selectFrom('kb_articles')
      .select('id')
      .where('skill_group_id', 'is not', null)
      .where('skill_group_id', 'not in', centre.server.db.selectFrom('agent_skills').select('skill_group_id').where('agent_id', '=', centre.server.db.selectFrom('agents').select('id').where('username', '=', 'agent01')))
      .executeTakeFirst()
    if (!restricted) return
    expect((await history(restricted.id)).status).toBe(404)
    expect((await history(restricted.id, adminToken)).status).toBe(200)
    expect((await history('no-such-article')).status).toBe(404)
  })

  it('a new version of a mandatory article must be signed again', async () => {
    const regulation = await anArticle({ mandatory: true })
    const socket = await agentSocket(centre.server.url, 'agent02', DEMO_PASSWORD)
    sockets.push(socket)
    const first = okValue(await pushOps(socket, [signoffOp(regulation.id, regulation.version)]))
    expect(first.results[0]!.status).toBe('applied')
    const res = await put(regulation.id, edit(regulation, { title: regulation.title, mandatory: true, body: `${regulation.body}<p>新增条款。</p>` }))
    expect(res.status).toBe(200)
    const stale = okValue(await pushOps(socket, [signoffOp(regulation.id, regulation.version)]))
    expect(stale.results[0]).toMatchObject({ status: 'rejected', error: { code: 'conflict' } })
    const again = okValue(await pushOps(socket, [signoffOp(regulation.id, regulation.version + 1)]))
    expect(again.results[0]!.status).toBe('applied')
  })
})
