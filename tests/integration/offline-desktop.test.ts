import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AgentApiEventPayload } from '../../src/shared/ipc/agent-api'
import { startTestDesktop, type TestDesktop } from '../support/desktop'
import { DEMO_PASSWORD, startDemoCentre, type DemoCentre } from '../support/demo-centre'

let centre: DemoCentre
const desktops: TestDesktop[] = []

beforeAll(async () => {
  centre = await startDemoCentre({ customers: 120, articles: 80 })
})
afterAll(() => centre.cleanup())
afterEach(async () => {
  await Promise.all(desktops.splice(0).map((d) => d.dispose()))
  if (!(await serverUp())) await centre.restart()
})

async function serverUp(): Promise<boolean> {
  return fetch(`${centre.server.url}/api/health`).then(() => true, () => false)
}

async function synced(desktop: TestDesktop, timeoutMs = 20_000): Promise<AgentApiEventPayload<'sync.changed'>> {
  const status = await desktop.api.invoke('sync.status')
  if (status.phase === 'idle' && status.lastSyncedAt) return status
  return desktop.next('sync.changed', (s) => s.phase === 'idle' && s.lastSyncedAt !== null, timeoutMs)
}

async function signedIn(username: string, dataDir?: string): Promise<TestDesktop & { dataDir: string }> {
  const desktop = await startTestDesktop(dataDir)
  desktops.push(desktop)
  const syncDone = desktop.next('sync.changed', (s) => s.phase === 'idle' && s.lastSyncedAt !== null, 20_000)
  await desktop.api.invoke('session.login', { serverUrl: centre.server.url, username, password: DEMO_PASSWORD })
  await syncDone
  return desktop
}

/** Customers straight from the server's database, to look for in the desktop's cache. */
async function someCustomers(limit: number): Promise<Array<{ id: string; name: string }>> {
  return centre.server.db.selectFrom('customers').select(['id', 'name']).orderBy('id').limit(limit).execute()
}

async function countNotes(text: string): Promise<number> {
  const row = await centre.server.db
    .selectFrom('interactions' as never)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('summary' as never, '=', text as never)
    .executeTakeFirstOrThrow()
  return Number((row as { n: number }).n)
}

describe('offline first', () => {
  it('syncs the KB and customers down, then works from the cache with the server stopped', async () => {
    const agent = await signedIn('agent01')
    const online = await agent.api.invoke('kb.search', { query: '' })
    expect(online.total).toBeGreaterThan(0)
    // Queries of 1, 2, 3 and 5 characters cut from a title the agent can see.
    const title = online.hits.map((h) => h.title.map((p) => p.text).join('')).find((t) => t.length >= 8)!
    const [firstCustomer] = await someCustomers(1)

    await centre.server.stop()
    await agent.next('connection.changed', (s) => s.status !== 'online')

    for (const query of [title.slice(0, 1), title.slice(1, 3), title.slice(2, 5), title.slice(0, 5)]) {
      const result = await agent.api.invoke('kb.search', { query })
      expect(result.total, query).toBeGreaterThan(0)
      expect(result.hits[0]!.title.map((p) => p.text).join('').length).toBeGreaterThan(0)
    }
    const byName = await agent.api.invoke('customers.search', { query: firstCustomer!.name.slice(0, 2) })
    expect(byName.map((c) => c.id)).toContain(firstCustomer!.id)
    const card = await agent.api.invoke('customers.get', { id: firstCustomer!.id })
    expect(card?.customer.name).toBe(firstCustomer!.name)
    const phone = card!.customer.contacts.find((c) => c.kind === 'phone')!
    const popped = await agent.api.invoke('customers.lookup', { kind: 'phone', value: phone.value })
    expect(popped.map((c) => c.id)).toContain(firstCustomer!.id)
  })

  it('queues a note, a sign-off and a state change offline; all arrive once when the server is back', async () => {
    const agent = await signedIn('agent02')
    const [customer] = await someCustomers(1)
    const pending = await agent.api.invoke('kb.pendingSignoffs')
    expect(pending.length).toBeGreaterThan(0)

    await centre.server.stop()
    await agent.next('connection.changed', (s) => s.status !== 'online')
    const text = `离线备注 ${Date.now()}：客户来电咨询宽带提速，已告知办理流程`
    const note = await agent.api.invoke('customers.addNote', { customerId: customer!.id, text })
    expect(note.delivery).toBe('pending')
    const signed = await agent.api.invoke('kb.signoff', { articleId: pending[0]!.id })
    expect(signed.signoffDelivery).toBe('pending')
    const state = await agent.api.invoke('agentState.set', { state: 'not_ready', reasonCode: pending.length ? 'training' : 'break' })
    expect(state.state).toBe('not_ready')
    expect((await agent.api.invoke('outbox.status')).pending).toBe(3)

    const delivered = agent.next('outbox.changed', (s) => s.pending === 0, 15_000)
    await centre.restart()
    await delivered
    expect(await countNotes(text)).toBe(1)
    const card = await agent.api.invoke('customers.get', { id: customer!.id })
    expect(card!.interactions.find((i) => i.summary === text)?.delivery).toBe('sent')
    expect((await agent.api.invoke('kb.get', { id: pending[0]!.id }))?.signoffDelivery).toBe('sent')
    const presence = await centre.server.db.selectFrom('agent_presence').selectAll().where('agent_id', '=', (await agent.api.invoke('session.get')).agent!.id).executeTakeFirstOrThrow()
    expect(presence.state).toBe('not_ready')
  })

  it('keeps the session and the queue across a restart of main while the server is down', async () => {
    const first = await signedIn('agent03')
    const [customer] = await someCustomers(1)
    await centre.server.stop()
    await first.next('connection.changed', (s) => s.status !== 'online')
    const text = `重启前的备注 ${Date.now()}`
    await first.api.invoke('customers.addNote', { customerId: customer!.id, text })
    await first.api.invoke('drafts.set', { key: `note:${customer!.id}`, text: '还没写完的备注' })
    await first.stop()

    const again = await startTestDesktop(first.dataDir)
    desktops.push(again)
    const snapshot = await again.api.invoke('session.get')
    expect(snapshot.agent?.username).toBe('agent03')
    expect((await again.api.invoke('kb.search', { query: '' })).total).toBeGreaterThan(0)
    expect((await again.api.invoke('drafts.get', { key: `note:${customer!.id}` }))?.text).toBe('还没写完的备注')
    expect((await again.api.invoke('outbox.status')).pending).toBe(1)

    const delivered = again.next('outbox.changed', (s) => s.pending === 0, 15_000)
    await centre.restart()
    await delivered
    expect(await countNotes(text)).toBe(1)
  })

  it('delivers 1,000 queued operations exactly once although the server dies while they are pushed', async () => {
    const agent = await signedIn('agent04')
    const customers = await someCustomers(10)
    await centre.server.stop()
    await agent.next('connection.changed', (s) => s.status !== 'online')
    const tag = `批量${Date.now()}`
    for (let i = 0; i < 1_000; i++) {
      await agent.api.invoke('customers.addNote', { customerId: customers[i % customers.length]!.id, text: `${tag}-${i}` })
    }
    expect((await agent.api.invoke('outbox.status')).pending).toBe(1_000)

    const someDelivered = agent.next('outbox.changed', (s) => s.pending < 1_000 && s.pending > 0, 15_000)
    await centre.restart()
    await someDelivered
    await centre.server.stop()
    await centre.restart()
    await agent.next('outbox.changed', (s) => s.pending === 0, 30_000)

    const rows = await centre.server.db
      .selectFrom('interactions' as never)
      .select('summary' as never)
      .where('summary' as never, 'like', `${tag}-%` as never)
      .execute()
    const summaries = rows.map((r) => (r as { summary: string }).summary)
    expect(summaries).toHaveLength(1_000)
    expect(new Set(summaries).size).toBe(1_000)
  })
})

describe('sync under faults and bad input', () => {
  it('resumes an initial sync cut off by the server going away, without gaps', async () => {
    const reference = await signedIn('agent05')
    const expected = (await reference.api.invoke('kb.search', { query: '' })).total

    const desktop = await startTestDesktop(undefined, { syncPageSize: 25 })
    desktops.push(desktop)
    const midway = desktop.next('sync.changed', (s) => s.phase === 'initial' && s.done >= 50, 20_000)
    await desktop.api.invoke('session.login', { serverUrl: centre.server.url, username: 'agent05', password: DEMO_PASSWORD })
    await midway
    await centre.server.stop()
    const cut = await desktop.next('sync.changed', (s) => s.phase === 'offline' || s.phase === 'error')
    expect(cut.done).toBeGreaterThan(0)
    await centre.restart()
    await synced(desktop)
    expect((await desktop.api.invoke('kb.search', { query: '' })).total).toBe(expected)
  })
})
