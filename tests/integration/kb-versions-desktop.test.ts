import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startTestDesktop, type TestDesktop } from '../support/desktop'
import { DEMO_PASSWORD, startDemoCentre, type DemoCentre } from '../support/demo-centre'
import { accessToken } from '../support/sync-centre'

let centre: DemoCentre
let adminToken: string
const desktops: TestDesktop[] = []

beforeAll(async () => {
  centre = await startDemoCentre({ customers: 10, articles: 30 })
  adminToken = await accessToken(centre.server.url, 'admin', DEMO_PASSWORD)
})
afterAll(() => centre.cleanup())
afterEach(async () => {
  await Promise.all(desktops.splice(0).map((d) => d.dispose()))
  if (!(await fetch(`${centre.server.url}/api/health`).then(() => true, () => false))) {
    await centre.restart()
    adminToken = await accessToken(centre.server.url, 'admin', DEMO_PASSWORD)
  }
})

async function signedIn(username: string): Promise<TestDesktop> {
  const desktop = await startTestDesktop()
  desktops.push(desktop)
  const synced = desktop.next('sync.changed', (s) => s.phase === 'idle' && s.lastSyncedAt !== null, 20_000)
  await desktop.api.invoke('session.login', { serverUrl: centre.server.url, username, password: DEMO_PASSWORD })
  await synced
  return desktop
}

async function editArticle(id: string, change: { title?: string; body?: string }): Promise<number> {
  const a = await centre.server.db.selectFrom('kb_articles').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const res = await fetch(`${centre.server.url}/api/kb/articles/${id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      baseVersion: a.version,
      title: change.title ?? a.title,
      body: change.body ?? a.body,
      tags: a.tags.split(',').filter(Boolean),
      mandatory: a.mandatory === 1,
      categoryId: a.category_id,
    }),
  })
  expect(res.status).toBe(200)
  return a.version + 1
}

// Sign-in, a full sync and a server stop per test: generous on a loaded two-core machine.
describe('KB versions on the desktop', { timeout: 90_000 }, () => {
  it('an edit syncs down, the history shows who changed what, and it stays readable offline', async () => {
    const agent = await signedIn('agent03')
    const article = await centre.server.db.selectFrom('kb_articles').selectAll().where('mandatory', '=', 0).where('skill_group_id', 'is', null).orderBy('id').executeTakeFirstOrThrow()
    const updated = desktopsSee(agent, article.id)
    const version = await editArticle(article.id, { title: `${article.title}（2025修订）`, body: '<p>修订后的处理流程：先核实，再受理。</p>' })
    await updated(version)

    const history = await agent.api.invoke('kb.versions', { articleId: article.id })
    expect(history.versions.map((v) => v.version)).toEqual([version, article.version])
    expect(history.versions[0]!.editedBy?.name).toBeTruthy()
    expect(history.versions[1]!.body).toBe(article.body)

    const other = await centre.server.db.selectFrom('kb_articles').select('id').where('id', '!=', article.id).where('skill_group_id', 'is', null).executeTakeFirstOrThrow()
    await centre.server.stop()
    await agent.next('connection.changed', (s) => s.status !== 'online')
    expect(await agent.api.invoke('kb.versions', { articleId: article.id })).toEqual(history)
    await expect(agent.api.invoke('kb.versions', { articleId: other.id })).rejects.toMatchObject({ code: 'offline' })
    await expect(agent.api.invoke('kb.versions', { articleId: '' })).rejects.toMatchObject({ code: 'invalid_argument' })
  })

  it('a new version of a signed regulation asks for the sign-off again', async () => {
    const agent = await signedIn('agent04')
    const [first] = await agent.api.invoke('kb.pendingSignoffs')
    expect(first).toBeDefined()
    await agent.api.invoke('kb.signoff', { articleId: first!.id })
    expect((await agent.api.invoke('kb.pendingSignoffs')).map((p) => p.id)).not.toContain(first!.id)
    // Delivered first, so the edit below is what makes it pending again.
    while ((await agent.api.invoke('outbox.status')).pending > 0) await agent.next('outbox.changed', undefined, 10_000).catch(() => undefined)

    const updated = desktopsSee(agent, first!.id)
    const version = await editArticle(first!.id, { body: '<p>新增第九条：客户信息不得截图外传。</p>' })
    await updated(version)
    const pending = await agent.api.invoke('kb.pendingSignoffs')
    expect(pending.find((p) => p.id === first!.id)?.version).toBe(version)
  })
})

/** Resolves once the desktop's cache has the article at `version` (waits on sync news, no sleeps). */
function desktopsSee(desktop: TestDesktop, id: string): (version: number) => Promise<void> {
  return async (version) => {
    const deadline = Date.now() + 15_000
    for (;;) {
      const article = await desktop.api.invoke('kb.get', { id })
      if (article && article.version >= version) return
      if (Date.now() > deadline) throw new Error(`article ${id} never reached version ${version}`)
      await desktop.next('data.changed', (e) => e.entities.includes('kb_article'), 15_000).catch(() => undefined)
    }
  }
}
