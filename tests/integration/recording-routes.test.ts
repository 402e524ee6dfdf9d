/**
 * Recording uploads over real HTTP against the real server: segments of one call, who may
 * listen, and bad input.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ServerHttpClient } from '../../src/main/services/connection/server-http'
import { PASSWORD, startTestCentre, type TestCentre } from '../support/mini-centre'

describe('call recordings on the server', () => {
  let centre: TestCentre
  const tokens = new Map<string, string>()

  beforeEach(async () => {
    centre = await startTestCentre()
    tokens.clear()
  })
  afterEach(async () => {
    await centre.cleanup()
  })

  async function token(username: string): Promise<string> {
    if (!tokens.has(username)) tokens.set(username, (await new ServerHttpClient(centre.server.url).login(username, PASSWORD)).accessToken)
    return tokens.get(username)!
  }

  async function put(username: string, callId: string, query: string, body: Uint8Array, type = 'audio/webm') {
    const response = await fetch(`${centre.server.url}/api/recordings/${callId}?${query}`, { method: 'PUT', headers: { authorization: `Bearer ${await token(username)}`, 'content-type': type }, body })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  async function get(username: string, path: string) {
    const response = await fetch(`${centre.server.url}${path}`, { headers: { authorization: `Bearer ${await token(username)}` } })
    return { status: response.status, segments: response.headers.get('x-recording-segments'), body: Buffer.from(await response.arrayBuffer()) }
  }

  it('keeps the segments of one call apart, acknowledges a repeat and refuses a different one', async () => {
    const first = Buffer.from('segment-zero')
    const second = Buffer.from('segment-one')
    expect((await put('agent1', 'call-1', 'durationSec=30', first)).status).toBe(201)
    expect((await put('agent1', 'call-1', 'durationSec=30&segment=1', second)).status).toBe(201)
    expect((await put('agent1', 'call-1', 'durationSec=30&segment=1', second)).status).toBe(200)
    expect((await put('agent1', 'call-1', 'durationSec=30&segment=1', Buffer.from('other'))).status).toBe(409)
    // Another agent cannot add a segment to someone else's call.
    expect((await put('agent2', 'call-1', 'durationSec=30&segment=2', Buffer.from('mine'))).status).toBe(409)

    expect(await get('agent1', '/api/recordings/call-1')).toEqual({ status: 200, segments: '2', body: first })
    expect(await get('lead1', '/api/recordings/call-1?segment=1')).toEqual({ status: 200, segments: '2', body: second })
    expect((await get('lead2', '/api/recordings/call-1')).status).toBe(404)
    expect((await get('agent2', '/api/recordings/call-1')).status).toBe(404)
    expect((await get('admin', '/api/recordings/call-1?segment=1')).status).toBe(200)
  })

  it('refuses bad segments, types and queries with a clear error, storing nothing', async () => {
    for (const query of ['durationSec=5&segment=-1', 'durationSec=5&segment=100', 'durationSec=5&segment=x', 'durationSec=5&extra=1', 'segment=0']) {
      const result = await put('agent1', 'call-2', query, Buffer.from('x'))
      expect(result.status, query).toBe(400)
      expect(result.body).toMatchObject({ error: { code: 'invalid_argument' } })
    }
    expect((await put('agent1', 'call-2', 'durationSec=5', Buffer.from('<html>'), 'text/html')).status).toBe(400)
    expect((await put('agent1', 'call-2', 'durationSec=5', new Uint8Array())).status).toBe(400)
    expect((await get('agent1', '/api/recordings/call-2?segment=abc')).status).toBe(400)
    expect(await centre.server.db.selectFrom('call_recordings').select('call_id').execute()).toEqual([])
  })
})

