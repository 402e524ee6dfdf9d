import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import type { SettingsView } from '../../src/shared/domain/settings'
import type { SyncChange } from '../../src/shared/protocol/sync'
import { startTestDesktop, type TestDesktop } from '../support/desktop'
import { DEMO_PASSWORD, startDemoCentre, type DemoCentre } from '../support/demo-centre'
import { accessToken, agentSocket, okValue, pullAll, pushOps } from '../support/sync-centre'

let centre: DemoCentre
const desktops: TestDesktop[] = []
const sockets: Socket[] = []

beforeAll(async () => {
  centre = await startDemoCentre({ customers: 10, articles: 20 })
})
afterAll(() => centre.cleanup())
afterEach(async () => {
  sockets.splice(0).forEach((s) => s.disconnect())
  await Promise.all(desktops.splice(0).map((d) => d.dispose()))
  if (!(await fetch(`${centre.server.url}/api/health`).then(() => true, () => false))) await centre.restart()
})

async function signedIn(username: string): Promise<TestDesktop> {
  const desktop = await startTestDesktop()
  desktops.push(desktop)
  const synced = desktop.next('sync.changed', (s) => s.phase === 'idle' && s.lastSyncedAt !== null, 20_000)
  await desktop.api.invoke('session.login', { serverUrl: centre.server.url, username, password: DEMO_PASSWORD })
  await synced
  return desktop
}

/** Re-reads the settings on every settings change until `check` holds (no sleeps). */
async function settingsUntil(desktop: TestDesktop, check: (view: SettingsView) => boolean, timeoutMs = 15_000): Promise<SettingsView> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const next = desktop.next('data.changed', (e) => e.entities.includes('setting'), timeoutMs).catch(() => undefined)
    const view = await desktop.api.invoke('settings.get')
    if (check(view)) return view
    if (Date.now() > deadline) throw new Error(`settings never matched: ${JSON.stringify(view)}`)
    await next
  }
}

function putSetting(key: string, value: unknown, token: string): Promise<Response> {
  return fetch(`${centre.server.url}/api/settings/${encodeURIComponent(key)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ value }),
  })
}

// Several sign-ins, full syncs and a server restart per test: generous on a loaded two-core machine.
describe('synced settings', { timeout: 120_000 }, () => {
  it('desktops start with the centre defaults and follow an admin change', async () => {
    const agent = await signedIn('agent05')
    const initial = await agent.api.invoke('settings.get')
    expect(initial.centre).toEqual({ 'inbox.offerTimeoutSec': 30, 'acw.durationSec': 60, 'recording.policy': 'all' })
    expect(initial.agent).toEqual({ 'ui.language': 'zh-CN', 'notify.sound': true, 'notify.desktop': true })

    const admin = await accessToken(centre.server.url, 'admin', DEMO_PASSWORD)
    const res = await putSetting('inbox.offerTimeoutSec', 45, admin)
    expect(res.status).toBe(200)
    await settingsUntil(agent, (v) => v.centre['inbox.offerTimeoutSec'] === 45)

    // Refused: not an admin, an unknown key, a value of the wrong type or range, extra fields.
    const agentToken = await accessToken(centre.server.url, 'agent05', DEMO_PASSWORD)
    expect((await putSetting('acw.durationSec', 10, agentToken)).status).toBe(403)
    expect((await putSetting('no.such.key', 1, admin)).status).toBe(404)
    expect((await putSetting('acw.durationSec', 'ten', admin)).status).toBe(400)
    expect((await putSetting('acw.durationSec', -1, admin)).status).toBe(400)
    expect((await putSetting('recording.policy', 'sometimes', admin)).status).toBe(400)
    const extra = await fetch(`${centre.server.url}/api/settings/acw.durationSec`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: 10, other: 1 }),
    })
    expect(extra.status).toBe(400)
    const stored = await fetch(`${centre.server.url}/api/settings`, { headers: { authorization: `Bearer ${agentToken}` } })
    expect(await stored.json()).toEqual({ 'inbox.offerTimeoutSec': 45, 'acw.durationSec': 60, 'recording.policy': 'all' })
  })

  it('a preference set offline is kept, delivered once back online, and follows the agent to another desktop', async () => {
    const first = await signedIn('agent06')
    await centre.server.stop()
    await first.next('connection.changed', (s) => s.status !== 'online')

    const offline = await first.api.invoke('settings.set', { key: 'ui.language', value: 'en' })
    expect(offline.agent['ui.language']).toBe('en')
    expect(offline.pendingKeys).toEqual(['ui.language'])
    await first.api.invoke('settings.set', { key: 'notify.sound', value: false })
    await expect(first.api.invoke('settings.set', { key: 'ui.language', value: 'fr' } as never)).rejects.toMatchObject({ code: 'invalid_argument' })
    await expect(first.api.invoke('settings.set', { key: 'no.such', value: 1 } as never)).rejects.toMatchObject({ code: 'invalid_argument' })
    expect((await first.api.invoke('outbox.status')).pending).toBe(2)

    await centre.restart()
    const delivered = await settingsUntil(first, (v) => v.pendingKeys.length === 0)
    expect(delivered.agent).toMatchObject({ 'ui.language': 'en', 'notify.sound': false })
    const rows = await centre.server.db.selectFrom('agent_settings').innerJoin('agents', 'agents.id', 'agent_settings.agent_id').select(['key', 'value']).where('agents.username', '=', 'agent06').orderBy('key').execute()
    expect(rows).toEqual([
      { key: 'notify.sound', value: 'false' },
      { key: 'ui.language', value: '"en"' },
    ])

    // The agent's second computer gets their choices; it changes one back, and the first follows.
    const second = await signedIn('agent06')
    expect((await second.api.invoke('settings.get')).agent).toMatchObject({ 'ui.language': 'en', 'notify.sound': false })
    await second.api.invoke('settings.set', { key: 'ui.language', value: 'zh-CN' })
    await settingsUntil(first, (v) => v.agent['ui.language'] === 'zh-CN' && v.pendingKeys.length === 0)

    // Another agent's desktop never receives agent06's preferences.
    const other = await signedIn('agent07')
    expect((await other.api.invoke('settings.get')).agent['ui.language']).toBe('zh-CN')
    const socket = await agentSocket(centre.server.url, 'agent07', DEMO_PASSWORD)
    sockets.push(socket)
    const settings = (await pullAll(socket, 1000)).flatMap((p) => p.changes as SyncChange[]).filter((c) => c.entity === 'setting')
    expect(settings.length).toBeGreaterThan(0)
    expect(settings.every((c) => c.id.startsWith('centre:'))).toBe(true)
  })

  it('the server refuses a malformed settings.set and applies a repeated one once', async () => {
    const socket = await agentSocket(centre.server.url, 'agent08', DEMO_PASSWORD)
    sockets.push(socket)
    const op = (payload: unknown) => ({ id: crypto.randomUUID(), type: 'settings.set', payload, createdAt: Date.now() })
    const bad = okValue(await pushOps(socket, [op({ key: 'ui.language', value: 'klingon' }), op({ key: 'acw.durationSec', value: 5 }), op({ key: 'notify.sound' })]))
    expect(bad.results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    const good = op({ key: 'notify.desktop', value: false })
    const once = okValue(await pushOps(socket, [good, good]))
    expect(once.results.map((r) => r.status)).toEqual(['applied', 'duplicate'])
    const changes = await centre.server.db.selectFrom('changes').select('entity_id').where('entity', '=', 'setting').where('entity_id', 'like', 'agent:%:notify.desktop').execute()
    expect(changes).toHaveLength(1)
  })
})
