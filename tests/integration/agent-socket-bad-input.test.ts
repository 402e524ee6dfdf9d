import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { PASSWORD, startTestCentre, type TestCentre } from '../support/mini-centre'

let centre: TestCentre
let token: string

beforeAll(async () => {
  centre = await startTestCentre()
  token = await accessToken('agent1')
})
afterAll(() => centre.cleanup())

async function accessToken(username: string): Promise<string> {
  const res = await fetch(`${centre.server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  return ((await res.json()) as { accessToken: string }).accessToken
}

function connect(auth: Record<string, unknown>): Socket {
  return io(`${centre.server.url}/agent`, { auth, transports: ['websocket'], reconnection: false, forceNew: true })
}

async function connected(auth: Record<string, unknown> = { token }): Promise<Socket> {
  const socket = connect(auth)
  await new Promise<void>((resolve, reject) => {
    socket.once('session:welcome', () => resolve())
    socket.once('connect_error', reject)
  })
  return socket
}

function connectError(auth: Record<string, unknown>): Promise<{ message: string; data?: { code: string } }> {
  const socket = connect(auth)
  return new Promise((resolve) => socket.once('connect_error', (err: Error & { data?: { code: string } }) => {
    socket.close()
    resolve(err)
  }))
}

describe('the /agent namespace under bad input', () => {
  it('refuses connections without a valid token', async () => {
    expect((await connectError({})).data?.code).toBe('unauthenticated')
    expect((await connectError({ token: 'not-a-jwt' })).data?.code).toBe('unauthenticated')
    expect((await connectError({ token: 12345 })).data?.code).toBe('unauthenticated')
    const [head, , sig] = token.split('.')
    const forged = Buffer.from(JSON.stringify({ sub: 'ad', role: 'admin', team: null, exp: 9_999_999_999 })).toString('base64url')
    expect((await connectError({ token: `${head}.${forged}.${sig}` })).data?.code).toBe('unauthenticated')
  })

  it('answers malformed payloads with invalid_argument and changes nothing', async () => {
    const socket = await connected()
    const before = await centre.server.db.selectFrom('agent_state_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    for (const payload of ['ready', null, 42, [], { state: 'dancing' }, { state: 'not_ready', reasonCode: 'nap' }, { state: 'ready', admin: true }, { state: 'not_ready', reasonCode: 'x'.repeat(100_000) }]) {
      const answer = await socket.timeout(2_000).emitWithAck('agentState:set', payload)
      expect(answer.ok).toBe(false)
      expect(answer.error.code).toBe('invalid_argument')
    }
    const after = await centre.server.db.selectFrom('agent_state_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
    expect(after.n).toEqual(before.n)
    socket.close()
  })

  it('answers unknown events, and events without an ack, through protocol errors', async () => {
    const socket = await connected()
    const withAck = await socket.timeout(2_000).emitWithAck('admin:dropDatabase', {})
    expect(withAck).toMatchObject({ ok: false, error: { code: 'unknown_event' } })
    const errors: Array<{ code: string; event?: string }> = []
    socket.on('protocol:error', (e) => errors.push(e))
    socket.emit('whatever', 1, 2, 3)
    socket.emit('agentState:set', { state: 'ready' })
    await new Promise((r) => setTimeout(r, 300))
    expect(errors).toEqual([
      expect.objectContaining({ code: 'unknown_event', event: 'whatever' }),
      expect.objectContaining({ code: 'invalid_argument', event: 'agentState:set' }),
    ])
    socket.close()
  })

  it('drops a connection that sends an oversized frame, and the server stays up', async () => {
    const socket = await connected()
    const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)))
    socket.emit('agentState:set', { state: 'ready', blob: 'x'.repeat(1_500_000) }, () => undefined)
    expect(await closed).toMatch(/transport (close|error)/)
    const again = await connected()
    expect((await again.timeout(2_000).emitWithAck('agentState:set', { state: 'ready' })).ok).toBe(true)
    again.close()
  })

  it('forbids plain agents the supervisor events', async () => {
    const socket = await connected()
    expect(await socket.timeout(2_000).emitWithAck('team:list', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await socket.timeout(2_000).emitWithAck('team:forceState', { agentId: 'a2', state: 'signed_out' })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    socket.close()
  })
})
