import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../src/shared/errors'
import { startTestDesktop, type TestDesktop } from '../support/desktop'
import { PASSWORD, startTestCentre, type TestCentre } from '../support/mini-centre'

let centre: TestCentre
const desktops: TestDesktop[] = []

beforeAll(async () => {
  centre = await startTestCentre()
})
afterAll(() => centre.cleanup())
afterEach(async () => {
  await Promise.all(desktops.splice(0).map((d) => d.dispose()))
})

async function signedIn(username: string): Promise<TestDesktop> {
  const desktop = await startTestDesktop()
  desktops.push(desktop)
  await desktop.api.invoke('session.login', { serverUrl: centre.server.url, username, password: PASSWORD })
  return desktop
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

describe('agent sign-in and states through the main-process services', () => {
  it('signs in, comes online, and starts not ready', async () => {
    const desktop = await startTestDesktop()
    desktops.push(desktop)
    const snapshot = await desktop.api.invoke('session.login', { serverUrl: centre.server.url, username: 'agent1', password: PASSWORD })
    expect(snapshot.agent).toMatchObject({ username: 'agent1', displayName: '王芳', role: 'agent' })
    expect(snapshot.connection.status).toBe('online')
    expect(snapshot.presence).toMatchObject({ state: 'not_ready', online: true, forcedBy: null })
    expect(snapshot.reasonCodes.map((r) => r.labelZh)).toEqual(['小休', '就餐', '培训'])
    // A reloaded renderer gets the same session back from main.
    expect((await desktop.api.invoke('session.get')).agent?.username).toBe('agent1')
  })

  it('refuses a wrong password with invalid_credentials and stays signed out', async () => {
    const desktop = await startTestDesktop()
    desktops.push(desktop)
    const err = await rejection(desktop.api.invoke('session.login', { serverUrl: centre.server.url, username: 'agent1', password: 'wrong' }))
    expect(err.code).toBe('invalid_credentials')
    expect((await desktop.api.invoke('session.get')).agent).toBeNull()
  })

  it('reports an unreachable server as offline', async () => {
    const desktop = await startTestDesktop()
    desktops.push(desktop)
    const err = await rejection(desktop.api.invoke('session.login', { serverUrl: 'http://127.0.0.1:9', username: 'agent1', password: PASSWORD }))
    expect(err.code).toBe('offline')
  })

  it('stores every state change with its time, and the lead sees it live', async () => {
    const lead = await signedIn('lead1')
    const agent = await signedIn('agent1')
    const seen = lead.next('team.memberChanged', (m) => m.username === 'agent1' && m.presence.state === 'not_ready' && m.presence.reasonCode === 'break')
    const before = Date.now()
    const presence = await agent.api.invoke('agentState.set', { state: 'not_ready', reasonCode: 'break' })
    expect(presence).toMatchObject({ state: 'not_ready', reasonCode: 'break', forcedBy: null })
    expect((await seen).presence.state).toBe('not_ready')

    const log = await centre.server.db.selectFrom('agent_state_log').selectAll().where('agent_id', '=', 'a1').orderBy('id').execute()
    const last = log.at(-1)!
    expect(last).toMatchObject({ state: 'not_ready', reason_code: 'break', forced_by: null })
    expect(last.at).toBeGreaterThanOrEqual(before - 5)

    const team = await lead.api.invoke('team.list')
    expect(team.map((m) => m.username).sort()).toEqual(['agent1', 'agent2', 'lead1'])
    expect(team.find((m) => m.username === 'agent1')?.presence).toMatchObject({ state: 'not_ready', online: true })
  })

  it('lets a lead force a state; the agent sees who forced it; it is logged', async () => {
    const lead = await signedIn('lead1')
    const agent = await signedIn('agent1')
    await agent.api.invoke('agentState.set', { state: 'not_ready', reasonCode: 'meal' })
    const forced = agent.next('agentState.changed', (p) => p.state === 'ready')
    await lead.api.invoke('team.forceState', { agentId: 'a1', state: 'ready' })
    expect(await forced).toMatchObject({ state: 'ready', forcedBy: { id: 'l1', name: '刘洋' } })
    expect((await agent.api.invoke('session.get')).presence?.forcedBy?.name).toBe('刘洋')
    const last = await centre.server.db.selectFrom('agent_state_log').selectAll().where('agent_id', '=', 'a1').orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(last).toMatchObject({ state: 'ready', forced_by: 'l1' })

    // The agent choosing a state again clears the forced marker.
    expect((await agent.api.invoke('agentState.set', { state: 'away' })).forcedBy).toBeNull()
  })

  it('enforces roles on the server: other teams and plain agents cannot force', async () => {
    const otherLead = await signedIn('lead2')
    const agent = await signedIn('agent2')
    expect((await rejection(otherLead.api.invoke('team.forceState', { agentId: 'a1', state: 'signed_out' }))).code).toBe('forbidden')
    expect((await rejection(agent.api.invoke('team.forceState', { agentId: 'a1', state: 'ready' }))).code).toBe('forbidden')
    expect((await rejection(agent.api.invoke('team.list'))).code).toBe('forbidden')
    expect((await rejection(otherLead.api.invoke('team.forceState', { agentId: 'nobody', state: 'ready' }))).code).toBe('not_found')
    const admin = await signedIn('admin')
    expect((await admin.api.invoke('team.forceState', { agentId: 'a3', state: 'not_ready', reasonCode: 'training' })).state).toBe('not_ready')
  })

  it('shows a lead when an agent goes offline and comes back', async () => {
    const lead = await signedIn('lead1')
    const agent = await signedIn('agent2')
    const offline = lead.next('team.memberChanged', (m) => m.username === 'agent2' && !m.presence.online)
    await agent.services.dispose()
    expect((await offline).presence.online).toBe(false)
  })

  it('signs out: state signed_out on the server, session cleared in main', async () => {
    const agent = await signedIn('agent2')
    await agent.api.invoke('session.logout')
    expect((await agent.api.invoke('session.get')).agent).toBeNull()
    const row = await centre.server.db.selectFrom('agent_presence').selectAll().where('agent_id', '=', 'a2').executeTakeFirstOrThrow()
    expect(row.state).toBe('signed_out')
    expect((await rejection(agent.api.invoke('agentState.set', { state: 'ready' }))).code).toBe('unauthenticated')
  })

  it('rejects IPC calls with wrong argument shapes before any service sees them', async () => {
    const agent = await signedIn('agent1')
    const before = (await agent.api.invoke('session.get')).presence
    const router = agent.services.router
    const bad = [
      await router.invoke('agentState.set', { state: 'dancing' }),
      await router.invoke('agentState.set', { state: 'not_ready' }),
      await router.invoke('agentState.set', 'ready'),
      await router.invoke('agentState.set', { state: 'ready', extra: true }),
      await router.invoke('session.login', { serverUrl: 'ftp://x', username: 'a', password: 'b' }),
      await router.invoke('team.forceState', { agentId: 5, state: 'ready' }),
    ]
    for (const result of bad) {
      expect(result.ok).toBe(false)
      if (!result.ok) expect(result.error.code).toBe('invalid_argument')
    }
    const unknown = await router.invoke('fs.readFile', { path: '/etc/passwd' })
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
    expect(await router.invoke('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
    // Nothing changed.
    expect((await agent.api.invoke('session.get')).presence).toEqual(before)
  })
})

describe('connection resilience', () => {
  it('survives the server restarting: reconnects and carries on', async () => {
    const agent = await signedIn('agent1')
    const lost = agent.next('connection.changed', (s) => s.status === 'reconnecting' || s.status === 'offline')
    await centre.server.stop()
    expect((await lost).lastError).toBeTruthy()
    // Chosen offline: shown at once, queued, and applied by the server when it is back.
    expect(await agent.api.invoke('agentState.set', { state: 'ready' })).toMatchObject({ state: 'ready', online: false })
    const back = agent.next('connection.changed', (s) => s.status === 'online', 10_000)
    const applied = agent.next('agentState.changed', (p) => p.state === 'ready' && p.online, 10_000)
    await centre.restart()
    await back
    await applied
    const row = await centre.server.db.selectFrom('agent_presence').selectAll().where('agent_id', '=', 'a1').executeTakeFirstOrThrow()
    expect(row.state).toBe('ready')
    expect((await agent.api.invoke('agentState.set', { state: 'away' })).state).toBe('away')
  })
})

describe('token expiry', () => {
  it('refreshes an expired access token and keeps working; the server refuses expired tokens', async () => {
    const shortLived = await startTestCentre({ accessTokenTtlMs: 1_500 })
    try {
      const desktop = await startTestDesktop()
      desktops.push(desktop)
      await desktop.api.invoke('session.login', { serverUrl: shortLived.server.url, username: 'agent1', password: PASSWORD })
      await new Promise((r) => setTimeout(r, 2_500))
      expect((await desktop.api.invoke('agentState.set', { state: 'ready' })).state).toBe('ready')
      expect((await desktop.api.invoke('session.get')).connection.status).toBe('online')

      const login = await fetch(`${shortLived.server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'agent2', password: PASSWORD }),
      })
      const { accessToken } = (await login.json()) as { accessToken: string }
      await new Promise((r) => setTimeout(r, 2_000))
      const me = await fetch(`${shortLived.server.url}/api/me`, { headers: { authorization: `Bearer ${accessToken}` } })
      expect(me.status).toBe(401)
      expect(((await me.json()) as { error: { code: string } }).error.code).toBe('token_expired')
    } finally {
      await shortLived.cleanup()
    }
  })
})
