import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import { MAX_VISITOR_TEXT_CHARS, MAX_VISITOR_UPLOAD_BYTES, type VisitorMessage } from '../../src/shared/protocol/visitor-socket'
import { startSeededCentre, type RunningCentre } from '../support/centre-process'
import { connectVisitor, nextEvent, seedWebchatCentre, type Visitor } from '../support/webchat-visitor'

/**
 * Bad input at the visitor's boundary: every refusal is a clear error, stores nothing and leaves
 * the visitor's conversation as it was. Script in chat text stays text.
 */
describe('web chat bad input', () => {
  let centre: RunningCentre
  let visitor: Visitor
  const visitors: Visitor[] = []

  const db = () => centre.server.db
  const messageCount = async () => Number((await db().selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
  const attachmentCount = async () => Number((await db().selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

  async function connect(options: Parameters<typeof connectVisitor>[1] = {}): Promise<Visitor> {
    const v = await connectVisitor(centre.server.url, options)
    visitors.push(v)
    return v
  }

  async function upload(token: string | null, mime: string, body: Uint8Array, name = 'file.bin'): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': mime }
    if (token) headers['authorization'] = `Bearer ${token}`
    return fetch(`${centre.server.url}/api/webchat/upload?name=${encodeURIComponent(name)}`, { method: 'POST', headers, body })
  }

  beforeAll(async () => {
    centre = await startSeededCentre(seedWebchatCentre, { inbox: { offerTimeoutMs: 60_000, slaCheckIntervalMs: 60_000 } })
    visitor = await connect()
    const first = await visitor.request('message:send', { clientId: 'client-first', text: '你好' })
    expect(first.ok).toBe(true)
  })
  afterAll(async () => {
    for (const v of visitors) v.close()
    await centre?.cleanup()
  })

  it('refuses malformed message events with invalid_argument and stores nothing', async () => {
    const before = await messageCount()
    const bad: unknown[] = [
      { clientId: 'client-long', text: '长'.repeat(MAX_VISITOR_TEXT_CHARS + 1) },
      { clientId: 'client-0002', text: 42 },
      { clientId: 'client-0003', text: '   ' },
      { text: '没有 clientId' },
      { clientId: 'bad id with spaces', text: '你好' },
      { clientId: 'client-0004', text: '你好', extra: true },
      { clientId: 'client-0005', text: '你好', attachmentIds: 'not-an-array' },
      { clientId: 'client-0006', text: '你好', attachmentIds: ['../../etc/passwd'] },
      null,
      'just a string',
      [1, 2, 3],
    ]
    for (const payload of bad) {
      const result = await visitor.request('message:send', payload)
      expect(result.ok, JSON.stringify(payload)?.slice(0, 80)).toBe(false)
      if (!result.ok) expect(result.error.code).toBe('invalid_argument')
    }
    // Exactly 5,000 characters is fine.
    const longest = await visitor.request('message:send', { clientId: 'client-5000', text: '好'.repeat(MAX_VISITOR_TEXT_CHARS) })
    expect(longest.ok).toBe(true)
    expect(await messageCount()).toBe(before + 1)
  })

  it('refuses wrong types on every other event', async () => {
    const cases: [string, unknown][] = [
      ['typing', { typing: 'yes' }],
      ['read', { upTo: 123 }],
      ['identify', {}],
      ['identify', { phone: 'call me maybe' }],
      ['identify', { email: 'not-an-email' }],
      ['rate', { conversationId: 'x', rating: 6 }],
      ['rate', { conversationId: 'x', rating: '5' }],
      ['rate', { conversationId: 'x', rating: 4.5 }],
      ['leaveMessage', { clientId: 'leave-bad-1', name: '王', text: '没有联系方式' }],
      ['leaveMessage', { clientId: 'leave-bad-2', name: '', phone: '13800138000', text: '没有名字' }],
      ['history', { before: -1 }],
      ['history', { before: 'yesterday' }],
    ]
    const before = await messageCount()
    for (const [event, payload] of cases) {
      const result = await visitor.request(event as 'typing', payload)
      expect(result.ok, `${event} ${JSON.stringify(payload)}`).toBe(false)
      if (!result.ok) expect(result.error.code).toBe('invalid_argument')
    }
    expect(await messageCount()).toBe(before)
    expect(await visitor.request('identify', {})).toMatchObject({ ok: false })
    expect((await db().selectFrom('webchat_visitors').selectAll().where('visitor_id', '=', visitor.session.visitorId).executeTakeFirst())?.phone).toBeNull()
  })

  it('answers unknown events: through the ack when there is one, with protocol:error otherwise', async () => {
    const acked = (await visitor.socket.timeout(5_000).emitWithAck('admin:deleteEverything', {})) as { ok: boolean; error?: { code: string } }
    expect(acked).toMatchObject({ ok: false, error: { code: 'unknown_event' } })
    const complaint = nextEvent<{ code: string; event?: string }>(visitor.socket, 'protocol:error')
    visitor.socket.emit('sync:push', { ops: [] })
    expect(await complaint).toMatchObject({ code: 'unknown_event', event: 'sync:push' })
    // A known event without an ack and with a bad payload is answered the same way.
    const invalid = nextEvent<{ code: string; event?: string }>(visitor.socket, 'protocol:error')
    visitor.socket.emit('typing', { typing: 1 })
    expect(await invalid).toMatchObject({ code: 'invalid_argument', event: 'typing' })
    // The connection is still good.
    expect((await visitor.request('history', {})).ok).toBe(true)
  })

  it('gives a forged or tampered token a fresh visitor who sees nothing of the real one', async () => {
    const real = visitor.session
    const [v, id, mac] = real.token.split('.')
    const forgeries = [
      `${v}.${id}.${mac?.slice(0, -2)}xx`,
      `${v}.${'0'.repeat(32)}.${mac}`,
      `v2.${id}.${mac}`,
      `${v}.${id}`,
      'x'.repeat(5000),
      id ?? '',
    ]
    for (const token of forgeries) {
      const impostor = await connect({ token })
      expect(impostor.session.visitorId, token.slice(0, 40)).not.toBe(real.visitorId)
      const history = await impostor.request('history', {})
      expect(history.ok && history.value.messages).toEqual([])
      impostor.close()
    }
    // A token that is not a string at all.
    const odd = io(`${centre.server.url}/visitor`, { auth: { token: { $ne: null }, site: 'shop' }, transports: ['websocket'], reconnection: false, forceNew: true })
    try {
      expect((await nextEvent<{ visitorId: string }>(odd, 'session')).visitorId).not.toBe(real.visitorId)
    } finally {
      odd.disconnect()
    }
  })

  it('refuses an unknown chat site at the handshake', async () => {
    const socket = io(`${centre.server.url}/visitor`, { auth: { site: 'no-such-site' }, transports: ['websocket'], reconnection: false, forceNew: true })
    try {
      const err = await new Promise<Error & { data?: { code: string } }>((resolve) => socket.once('connect_error', resolve))
      expect(err.data?.code).toBe('not_found')
    } finally {
      socket.disconnect()
    }
  })

  it('keeps visitors to their own conversations and files', async () => {
    const other = await connect()
    const theirs = await other.request('message:send', { clientId: 'client-other', text: '我是另一个访客' })
    if (!theirs.ok) throw new Error(theirs.error.message)
    const otherConversation = theirs.value.message.conversationId
    expect(await visitor.request('rate', { conversationId: otherConversation, rating: 1 })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await visitor.request('read', { upTo: theirs.value.message.id })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    // Rating a conversation that is not resolved yet.
    const mine = await visitor.request('history', {})
    const myConversation = mine.ok ? mine.value.messages[0]?.conversationId : undefined
    expect(await visitor.request('rate', { conversationId: myConversation, rating: 5 })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect((await db().selectFrom('conversations').select('rating').where('id', '=', myConversation ?? '').executeTakeFirst())?.rating).toBeNull()

    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])
    const res = await upload(other.session.token, 'image/png', png, 'other.png')
    expect(res.status).toBe(200)
    const ref = (await res.json()) as { id: string }
    const before = await messageCount()
    expect(await visitor.request('message:send', { clientId: 'client-steal', text: '', attachmentIds: [ref.id] })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await messageCount()).toBe(before)
    const fetched = await fetch(`${centre.server.url}/api/webchat/attachments/${ref.id}`, { headers: { authorization: `Bearer ${visitor.session.token}` } })
    expect(fetched.status).toBe(404)
    expect((await fetch(`${centre.server.url}/api/webchat/attachments/${ref.id}`)).status).toBe(401)
    expect((await fetch(`${centre.server.url}/api/webchat/attachments/..%2F..%2Fetc`, { headers: { authorization: `Bearer ${visitor.session.token}` } })).status).toBe(400)
  })

  it('refuses uploads of disallowed types, disguised files, too large files and uploads without a token', async () => {
    const before = await attachmentCount()
    const token = visitor.session.token
    const html = new TextEncoder().encode('<script>alert(1)</script>')
    const cases: [string, Response, number][] = [
      ['html', await upload(token, 'text/html', html, 'x.html'), 400],
      ['exe', await upload(token, 'application/x-msdownload', Uint8Array.from([0x4d, 0x5a, 0x90, 0]), 'setup.exe'), 400],
      ['svg', await upload(token, 'image/svg+xml', new TextEncoder().encode('<svg onload="alert(1)"/>'), 'x.svg'), 400],
      ['html as png', await upload(token, 'image/png', html, 'x.png'), 400],
      ['empty', await upload(token, 'image/png', new Uint8Array(0), 'x.png'), 400],
      ['no token', await upload(null, 'image/png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47]), 'x.png'), 401],
      ['forged token', await upload(`${token}x`, 'image/png', Uint8Array.from([0x89, 0x50, 0x4e, 0x47]), 'x.png'), 401],
    ]
    for (const [what, res, status] of cases) {
      expect(res.status, what).toBe(status)
      const body = (await res.json()) as { error: { code: string; message: string } }
      expect(body.error.message, what).toBeTruthy()
    }
    const big = new Uint8Array(MAX_VISITOR_UPLOAD_BYTES + 1)
    big.set([0x89, 0x50, 0x4e, 0x47])
    const tooLarge = await upload(token, 'image/png', big, 'big.png')
    expect(tooLarge.status).toBe(413)
    expect(((await tooLarge.json()) as { error: { code: string } }).error.code).toBe('payload_too_large')
    // Missing name.
    const noName = await fetch(`${centre.server.url}/api/webchat/upload`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${token}` }, body: Uint8Array.from([0x89, 0x50, 0x4e, 0x47]) })
    expect(noName.status).toBe(400)
    expect(await attachmentCount()).toBe(before)
  })

  it('stores and echoes script in chat text as plain text', async () => {
    const text = '<script>alert("xss")</script><img src=x onerror=alert(1)> 请问<b>退款</b>什么时候到账？'
    const tab2 = await connect({ token: visitor.session.token })
    const echoed = nextEvent<VisitorMessage>(tab2.socket, 'message', (m) => m.clientId === 'client-script')
    const sent = await visitor.request('message:send', { clientId: 'client-script', text })
    if (!sent.ok) throw new Error(sent.error.message)
    expect(sent.value.message.text).toBe(text)
    expect((await echoed).text).toBe(text)
    const row = await db().selectFrom('messages').select(['text', 'html']).where('id', '=', sent.value.message.id).executeTakeFirstOrThrow()
    expect(row).toEqual({ text, html: null })
    const history = await visitor.request('history', {})
    expect(history.ok && history.value.messages.at(-1)?.text).toBe(text)
  })

  it('slows down a flood of events without dropping the connection', async () => {
    const flooder = await connect()
    const results = await Promise.all(Array.from({ length: 60 }, () => flooder.request('typing', { typing: true })))
    const refused = results.filter((r) => !r.ok)
    expect(refused.length).toBeGreaterThan(0)
    for (const r of refused) expect(r.ok === false && r.error.code).toBe('too_many_attempts')
    expect(flooder.socket.connected).toBe(true)
  })
})
