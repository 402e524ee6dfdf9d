import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import type { InboundMessage } from '../../src/server/inbox/channel-port'
import type { Db } from '../../src/server/db/database'
import type { SyncChange } from '../../src/shared/protocol/sync'
import { startSeededCentre, type RunningCentre } from '../support/centre-process'
import { eventually, setReady } from '../support/inbox-centre'
import { PASSWORD, seedMiniCentre } from '../support/mini-centre'
import { accessToken, agentSocket, pullAll } from '../support/sync-centre'

/** The admin's routing settings over HTTP, and what they change in routing and on desktops. */
async function seed(db: Db): Promise<void> {
  await seedMiniCentre(db)
  const now = Date.now()
  await db.insertInto('skill_groups').values({ id: 'vip', name: 'VIP专席', description: '' }).execute()
  await db.insertInto('agent_skills').values([
    { agent_id: 'a2', skill_group_id: 's1', level: 1 },
    { agent_id: 'a2', skill_group_id: 'vip', level: 5 },
  ]).execute()
  await db.insertInto('customers').values([
    { id: 'c-vip', name: '赵钻石', tier: '钻', kind: 'person', company: null, city: null, notes: '', tags: '', created_at: now, updated_at: now },
    { id: 'c-own', name: '周专属', tier: '金', kind: 'person', company: null, city: null, notes: '', tags: '', created_at: now, updated_at: now },
  ]).execute()
  await db.insertInto('customer_contacts').values([
    { id: 'k1', customer_id: 'c-vip', kind: 'qq', value: '20001', normalized: '20001' },
    { id: 'k2', customer_id: 'c-own', kind: 'qq', value: '20002', normalized: '20002' },
  ]).execute()
}

const inbound = (userId: string, text: string): InboundMessage => ({
  channel: 'qq',
  threadKey: `1:2:${userId}`,
  identity: { kind: 'qq', value: userId, displayName: userId },
  subject: '群',
  externalId: crypto.randomUUID(),
  text,
  skillGroupId: 's1',
})

describe('routing administration', () => {
  let centre: RunningCentre
  let admin: string
  const sockets: Socket[] = []

  const put = (path: string, body: unknown, token = admin) =>
    fetch(`${centre.server.url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })

  beforeEach(async () => {
    centre = await startSeededCentre(seed, { inbox: { offerTimeoutMs: 60_000, slaCheckIntervalMs: 60_000 } })
    admin = await accessToken(centre.server.url, 'admin', PASSWORD)
  })
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect()
    await centre.cleanup()
  })

  async function readyAgents(...usernames: string[]): Promise<void> {
    for (const username of usernames) {
      const socket = await agentSocket(centre.server.url, username, PASSWORD)
      sockets.push(socket)
      await setReady(socket)
    }
  }

  async function offeredTo(conversationId: string): Promise<string> {
    return eventually(async () => {
      const row = await centre.server.db.selectFrom('conversations').select(['status', 'assigned_agent_id']).where('id', '=', conversationId).executeTakeFirst()
      return row?.status === 'offered' ? (row.assigned_agent_id as string) : undefined
    }, 'the offer')
  }

  it('sends VIP tiers to agents of a VIP group first, and a customer to their dedicated agent', async () => {
    // a2 waited less long than a1 (became ready later), so without VIP groups a1 would get it.
    await readyAgents('agent1', 'agent2')
    expect((await put('/api/admin/skill-groups/vip/vip', { vip: true })).status).toBe(200)
    const vip = await centre.server.inbox.receive(inbound('20001', '钻石客户来了'))
    expect(await offeredTo(vip.conversationId)).toBe('a2')

    expect((await put('/api/admin/customers/c-own/dedicated-agent', { agentId: 'a1' })).status).toBe(200)
    const own = await centre.server.inbox.receive(inbound('20002', '找我的专属客服'))
    expect(await offeredTo(own.conversationId)).toBe('a1')
  })

  it('changes SLA deadlines for new conversations and syncs canned responses to desktops', async () => {
    expect((await put('/api/admin/sla/qq/2', { firstResponseMs: 15_000, resolutionMs: 600_000 })).status).toBe(200)
    const before = Date.now()
    const { conversationId } = await centre.server.inbox.receive(inbound('20002', '金卡客户'))
    const row = await centre.server.db.selectFrom('conversations').select(['first_response_due_at', 'resolution_due_at']).where('id', '=', conversationId).executeTakeFirstOrThrow()
    expect(Number(row.first_response_due_at) - before).toBeGreaterThanOrEqual(15_000)
    expect(Number(row.first_response_due_at) - Date.now()).toBeLessThanOrEqual(15_000)

    const canned = { shortcut: 'hello', title: '问候', text: '您好{{customer.name}}', skillGroupId: 's1', active: true }
    expect((await put('/api/admin/canned-responses/cr-1', canned)).status).toBe(200)
    const agent1 = await agentSocket(centre.server.url, 'agent1', PASSWORD)
    sockets.push(agent1)
    const changes = (await pullAll(agent1, 500)).flatMap((p) => p.changes as SyncChange[])
    expect(changes.find((c) => c.entity === 'canned_response' && c.id === 'cr-1')).toMatchObject({ deleted: false, data: { shortcut: 'hello' } })
    // Deactivated, it leaves the desktops as a tombstone.
    expect((await put('/api/admin/canned-responses/cr-1', { ...canned, active: false })).status).toBe(200)
    const later = (await pullAll(agent1, 500)).flatMap((p) => p.changes as SyncChange[]).filter((c) => c.id === 'cr-1')
    expect(later.at(-1)).toMatchObject({ deleted: true })
  })

  it('refuses non-admins and bad input, changing nothing', async () => {
    const agentToken = await accessToken(centre.server.url, 'agent1', PASSWORD)
    expect((await put('/api/admin/skill-groups/vip/vip', { vip: true }, agentToken)).status).toBe(403)
    expect((await put('/api/admin/skill-groups/vip/vip', { vip: 'yes' })).status).toBe(400)
    expect((await put('/api/admin/skill-groups/nope/vip', { vip: true })).status).toBe(404)
    expect((await put('/api/admin/customers/c-own/dedicated-agent', { agentId: 'ghost' })).status).toBe(404)
    expect((await put('/api/admin/sla/fax/1', { firstResponseMs: 60_000, resolutionMs: 600_000 })).status).toBe(400)
    expect((await put('/api/admin/sla/qq/1', { firstResponseMs: 600_000, resolutionMs: 60_000 })).status).toBe(400)
    expect((await put('/api/admin/canned-responses/x', { shortcut: 'a b', title: 't', text: 'x', skillGroupId: null })).status).toBe(400)
    expect((await put('/api/admin/canned-responses/x', { shortcut: 'ok', title: 't', text: 'x', skillGroupId: 'nope' })).status).toBe(404)
    const vip = await centre.server.db.selectFrom('skill_groups').select('vip').where('id', '=', 'vip').executeTakeFirstOrThrow()
    expect(vip.vip).toBe(0)
    const own = await centre.server.db.selectFrom('customers').select('dedicated_agent_id').where('id', '=', 'c-own').executeTakeFirstOrThrow()
    expect(own.dedicated_agent_id).toBeNull()
    expect(await centre.server.db.selectFrom('canned_responses').selectAll().execute()).toEqual([])
  })
})
