import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestDesktop, type TestDesktop } from '../support/desktop'
import { PASSWORD, startTestCentre, type TestCentre } from '../support/mini-centre'
import { startPostgres, type PostgresServer } from '../support/postgres'

// The same central server over PostgreSQL instead of SQLite: the query layer must not care.
let postgres: PostgresServer
let centre: TestCentre
const desktops: TestDesktop[] = []

beforeAll(async () => {
  postgres = await startPostgres()
  centre = await startTestCentre({ databaseUrl: postgres.url })
})
afterAll(async () => {
  await Promise.all(desktops.map((d) => d.dispose()))
  await centre?.cleanup()
  await postgres?.stop()
})

async function signedIn(username: string): Promise<TestDesktop> {
  const desktop = await startTestDesktop()
  desktops.push(desktop)
  await desktop.api.invoke('session.login', { serverUrl: centre.server.url, username, password: PASSWORD })
  return desktop
}

describe('central server on PostgreSQL', () => {
  it('signs in, changes and forces states, logs them, and survives a restart', async () => {
    const lead = await signedIn('lead1')
    const agent = await signedIn('agent1')
    const seen = lead.next('team.memberChanged', (m) => m.username === 'agent1' && m.presence.reasonCode === 'meal')
    await agent.api.invoke('agentState.set', { state: 'not_ready', reasonCode: 'meal' })
    await seen
    const forced = agent.next('agentState.changed', (p) => p.state === 'ready')
    await lead.api.invoke('team.forceState', { agentId: 'a1', state: 'ready' })
    expect((await forced).forcedBy?.name).toBe('刘洋')

    const log = await centre.server.db.selectFrom('agent_state_log').selectAll().where('agent_id', '=', 'a1').orderBy('id').execute()
    expect(log.map((r) => [r.state, r.reason_code, r.forced_by])).toEqual([
      ['not_ready', null, null],
      ['not_ready', 'meal', null],
      ['ready', null, 'l1'],
    ])
    expect(typeof log[0]!.at).toBe('number')

    const back = agent.next('connection.changed', (s) => s.status === 'online', 15_000)
    await centre.server.stop()
    await centre.restart()
    await back
    expect((await agent.api.invoke('agentState.set', { state: 'away' })).state).toBe('away')
  })

  it('refuses wrong passwords and injection-shaped names the same way', async () => {
    const res = await fetch(`${centre.server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: "agent1' OR '1'='1", password: 'x' }),
    })
    expect(res.status).toBe(401)
  })
})
