import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD, startTestCentre, type TestCentre } from '../support/mini-centre'

let centre: TestCentre

beforeAll(async () => {
  centre = await startTestCentre({ loginThrottle: { freeFailures: 3, freeFailuresPerAddress: 100, baseDelayMs: 60_000, maxDelayMs: 600_000, windowMs: 600_000 } })
})
afterAll(() => centre.cleanup())

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${centre.server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  // The tests read arbitrary fields of success and error bodies alike.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as Record<string, any> }
}

describe('HTTP auth', () => {
  it('signs in with the right password and returns an expiring token and the profile', async () => {
    const { status, body } = await post('/api/auth/login', { username: 'agent1', password: PASSWORD })
    expect(status).toBe(200)
    expect(body.agent).toMatchObject({ username: 'agent1', displayName: '王芳', role: 'agent', teamName: '一组', skillGroups: ['话费账单'], skillGroupIds: ['s1'] })
    expect(body.accessTokenExpiresAt).toBeGreaterThan(Date.now())
    const me = await fetch(`${centre.server.url}/api/me`, { headers: { authorization: `Bearer ${body.accessToken}` } })
    expect(((await me.json()) as { username: string }).username).toBe('agent1')
  })

  it('rejects a wrong password and an unknown user the same way', async () => {
    const wrong = await post('/api/auth/login', { username: 'agent2', password: 'nope' })
    const unknown = await post('/api/auth/login', { username: 'nobody', password: 'nope' })
    expect(wrong).toEqual({ status: 401, body: { error: { code: 'invalid_credentials', message: 'Wrong username or password' } } })
    expect(unknown).toEqual(wrong)
  })

  it('treats SQL-injection-shaped input as plain text', async () => {
    for (const username of ["' OR '1'='1", "agent1'; DROP TABLE agents;--", 'agent1" --']) {
      const res = await post('/api/auth/login', { username, password: "' OR '1'='1" })
      expect(res.status).toBe(401)
      expect(res.body.error.code).toBe('invalid_credentials')
    }
    const still = await post('/api/auth/login', { username: 'agent1', password: PASSWORD })
    expect(still.status).toBe(200)
  })

  it('slows down repeated failures for one account, then refuses with a wait time', async () => {
    for (let i = 0; i < 3; i++) expect((await post('/api/auth/login', { username: 'agent3', password: 'bad' })).status).toBe(401)
    const blocked = await post('/api/auth/login', { username: 'agent3', password: 'bad' })
    expect(blocked.status).toBe(429)
    expect(blocked.body.error.code).toBe('too_many_attempts')
    expect(blocked.body.error.details.retryAfterMs).toBeGreaterThan(50_000)
    // Even the right password waits: otherwise the wait would not slow guessing.
    expect((await post('/api/auth/login', { username: 'agent3', password: PASSWORD })).status).toBe(429)
  })

  it('rotates refresh tokens: the old one stops working', async () => {
    const login = await post('/api/auth/login', { username: 'lead1', password: PASSWORD })
    const first = await post('/api/auth/refresh', { refreshToken: login.body.refreshToken })
    expect(first.status).toBe(200)
    expect(first.body.accessToken).toEqual(expect.any(String))
    const reused = await post('/api/auth/refresh', { refreshToken: login.body.refreshToken })
    expect(reused.status).toBe(401)
    expect(reused.body.error.code).toBe('unauthenticated')
  })

  it('answers bad requests with clear errors and stays up', async () => {
    const cases = [
      await post('/api/auth/login', '{"username": "agent1", '),
      await post('/api/auth/login', { username: 'agent1' }),
      await post('/api/auth/login', { username: 'agent1', password: PASSWORD, extra: 1 }),
      await post('/api/auth/login', { username: 12, password: [] }),
      await post('/api/auth/login', { username: 'x'.repeat(65), password: 'y' }),
    ]
    for (const res of cases) {
      expect(res.status).toBe(400)
      expect(res.body.error.code).toBe('invalid_argument')
    }
    const huge = await post('/api/auth/login', { username: 'agent1', password: 'x'.repeat(100_000) })
    expect(huge.status).toBe(413)
    expect(huge.body.error.code).toBe('payload_too_large')
    const noToken = await fetch(`${centre.server.url}/api/me`)
    expect(noToken.status).toBe(401)
    const badToken = await fetch(`${centre.server.url}/api/me`, { headers: { authorization: 'Bearer abc.def.ghi' } })
    expect(((await badToken.json()) as { error: { code: string } }).error.code).toBe('unauthenticated')
    const missing = await fetch(`${centre.server.url}/api/nothing-here`)
    expect(missing.status).toBe(404)
    const health = await fetch(`${centre.server.url}/api/health`)
    expect(health.status).toBe(200)
  })
})
