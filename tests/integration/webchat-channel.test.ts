import { afterEach, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import { normalizeContact } from '../../src/shared/domain/contact-normalize'
import type { VisitorMessage, VisitorSendResult } from '../../src/shared/protocol/visitor-socket'
import { startSeededCentre, type RunningCentre } from '../support/centre-process'
import { conversationOp, eventually, pushOne, replyOp, setReady } from '../support/inbox-centre'
import { PASSWORD } from '../support/mini-centre'
import { startPostgres } from '../support/postgres'
import { agentSocket } from '../support/sync-centre'
import { connectVisitor, nextEvent, seedWebchatCentre, type Visitor } from '../support/webchat-visitor'

/**
 * The web-chat channel end to end over real sockets: visitors on /visitor, agents driven the way
 * desktops drive them (socket.io on /agent pushing conversation operations), a real central
 * server on a temp SQLite file.
 */
describe('web chat', () => {
  let centre: RunningCentre
  const agents: Socket[] = []
  const visitors: Visitor[] = []

  async function start(): Promise<void> {
    centre = await startSeededCentre(async (db) => {
      await seedWebchatCentre(db)
      const now = Date.now()
      await db.insertInto('customers').values({ id: 'c-zhang', name: '张建国', tier: '金', kind: 'person', company: null, city: '杭州', notes: '', tags: '', created_at: now, updated_at: now }).execute()
      await db.insertInto('customer_contacts').values({ id: 'cc-zhang', customer_id: 'c-zhang', kind: 'phone', value: '138 0013 8000', normalized: normalizeContact('phone', '13800138000') ?? '' }).execute()
    }, { inbox: { offerTimeoutMs: 60_000, slaCheckIntervalMs: 60_000 } })
  }

  async function agent(username: string, ready = true): Promise<Socket> {
    const socket = await agentSocket(centre.server.url, username, PASSWORD)
    agents.push(socket)
    if (ready) await setReady(socket)
    return socket
  }

  async function visitor(options: Parameters<typeof connectVisitor>[1] = {}): Promise<Visitor> {
    const v = await connectVisitor(centre.server.url, options)
    visitors.push(v)
    return v
  }

  const db = () => centre.server.db
  const conversationOf = (visitorId: string) =>
    db().selectFrom('conversations').selectAll().where('thread_key', '=', `visitor:${visitorId}`).orderBy('created_at', 'desc').executeTakeFirst()

  afterEach(async () => {
    for (const v of visitors.splice(0)) v.close()
    for (const s of agents.splice(0)) s.disconnect()
    await centre?.cleanup()
  })

  it('routes a Chinese question to the ready agent with the skill; the reply reaches the visitor; a resend after reconnect is stored once; the rating is kept', async () => {
    await start()
    const agent1 = await agent('agent1')
    const guest = await visitor()
    expect(guest.status).toEqual({ agentsAvailable: true, queuePosition: null })
    expect(guest.session.displayName).toMatch(/^访客[0-9A-F]{4}$/)
    expect(guest.session.site).toMatchObject({ key: 'shop', name: '商城在线客服' })

    // Known by the phone number given: the conversation is tied to the customer on file.
    const identified = await guest.request('identify', { name: '张先生', phone: '13800138000' })
    expect(identified).toEqual({ ok: true, value: { name: '张先生', phone: '13800138000', email: null } })

    const question = '你好，我的话费账单这个月多扣了20元，能帮我查一下吗？'
    const sent = await guest.request('message:send', { clientId: 'client-0001', text: question })
    if (!sent.ok) throw new Error(sent.error.message)
    expect(sent.value).toMatchObject({ duplicate: false, message: { clientId: 'client-0001', from: 'visitor', text: question, attachments: [] } })
    const conversationId = sent.value.message.conversationId

    const offered = await eventually(async () => {
      const row = await conversationOf(guest.session.visitorId)
      return row?.status === 'offered' ? row : undefined
    }, 'the offer to agent1')
    expect(offered).toMatchObject({ id: conversationId, channel: 'chat', assigned_agent_id: 'a1', skill_group_id: 's1', customer_id: 'c-zhang', tier: '金', identity_kind: 'visitor', identity_name: '张先生', subject: '商城在线客服' })
    expect(JSON.parse(offered.meta)).toMatchObject({ site: 'shop', phone: '13800138000', visitorName: '张先生', page: 'https://shop.example.com/orders' })

    expect(await pushOne(agent1, conversationOp('conversation.accept', { conversationId }))).toMatchObject({ status: 'applied' })
    const replyText = '您好张先生，我来帮您查询本月账单，请稍等。'
    const replyArrives = nextEvent<VisitorMessage>(guest.socket, 'message', (m) => m.from === 'agent')
    // Answering means the agent has read the question; and the visitor no longer waits in a queue.
    const readArrives = nextEvent<{ upTo: string }>(guest.socket, 'read')
    const statusArrives = nextEvent<{ agentsAvailable: boolean; queuePosition: number | null }>(guest.socket, 'status', (s) => s.queuePosition === null)
    const reply = replyOp(conversationId, replyText)
    expect(await pushOne(agent1, reply)).toMatchObject({ status: 'applied' })
    const received = await replyArrives
    expect(await readArrives).toEqual({ upTo: sent.value.message.id })
    expect(await statusArrives).toEqual({ agentsAvailable: true, queuePosition: null })
    expect(received).toMatchObject({ conversationId, from: 'agent', authorName: '王芳', text: replyText, clientId: null })
    await eventually(async () => {
      const row = await db().selectFrom('messages').select('delivery').where('id', '=', received.id).executeTakeFirst()
      return row?.delivery === 'sent'
    }, 'the reply marked sent')

    // The visitor reads the reply: recorded.
    expect(await guest.request('read', { upTo: received.id })).toEqual({ ok: true, value: null })
    expect(await db().selectFrom('webchat_reads').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst()).toMatchObject({ up_to_message_id: received.id })

    // The page goes away; meanwhile the agent writes a reply and a private note.
    const token = guest.session.token
    guest.close()
    const whileAway = '查到了，是国际漫游费，我已为您申请退还。'
    expect(await pushOne(agent1, replyOp(conversationId, whileAway))).toMatchObject({ status: 'applied' })
    expect(await pushOne(agent1, conversationOp('conversation.note', { conversationId, messageId: crypto.randomUUID(), text: '内部备注：客户情绪稳定', attachmentIds: [], replyToId: null }))).toMatchObject({ status: 'applied' })
    await eventually(async () => {
      const rows = await db().selectFrom('messages').select('delivery').where('conversation_id', '=', conversationId).where('direction', '=', 'out').execute()
      return rows.length === 2 && rows.every((r) => r.delivery === 'sent')
    }, 'the reply written while away marked sent')

    // Back with the same token: the same visitor, the whole history (never the note), and the
    // message it was not sure had arrived is sent again with its client id: stored once.
    const back = await visitor({ token })
    expect(back.session.visitorId).toBe(guest.session.visitorId)
    const resent = await back.request('message:send', { clientId: 'client-0001', text: question })
    expect(resent.ok && resent.value.duplicate).toBe(true)
    expect(resent.ok && resent.value.message.id).toBe(sent.value.message.id)
    const history = await back.request('history', {})
    if (!history.ok) throw new Error(history.error.message)
    expect(history.value.messages.map((m) => [m.from, m.text])).toEqual([
      ['visitor', question],
      ['agent', replyText],
      ['agent', whileAway],
    ])
    expect(history.value.hasMore).toBe(false)
    const stored = await db().selectFrom('messages').select('id').where('external_id', '=', 'client-0001').execute()
    expect(stored).toHaveLength(1)

    // A second tab of the same visitor sees what the first one sends.
    const tab2 = await visitor({ token })
    const echoed = nextEvent<VisitorMessage>(tab2.socket, 'message', (m) => m.clientId === 'client-0002')
    const followUp = await back.request('message:send', { clientId: 'client-0002', text: '好的，谢谢！什么时候能到账？' })
    expect(followUp.ok).toBe(true)
    expect((await echoed).text).toBe('好的，谢谢！什么时候能到账？')

    // Resolved: the survey appears on the page and the rating is stored for the conversation.
    const survey = nextEvent<{ conversationId: string }>(back.socket, 'survey:request')
    expect(await pushOne(agent1, conversationOp('conversation.resolve', { conversationId, disposition: 'solved', note: '' }))).toMatchObject({ status: 'applied' })
    expect((await survey).conversationId).toBe(conversationId)
    expect(await back.request('rate', { conversationId, rating: 5, comment: '客服很耐心，点赞！' })).toEqual({ ok: true, value: null })
    const rated = await conversationOf(guest.session.visitorId)
    expect(rated).toMatchObject({ status: 'resolved', rating: 5 })
    expect(await db().selectFrom('webchat_feedback').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst()).toMatchObject({ rating: 5, comment: '客服很耐心，点赞！' })
    const events = await db().selectFrom('conversation_events').select(['kind', 'agent_id', 'detail']).where('conversation_id', '=', conversationId).where('kind', '=', 'rated').execute()
    expect(events).toEqual([{ kind: 'rated', agent_id: 'a1', detail: '5' }])
  })

  it('offers "leave a message" when no agent is ready; the left message waits in the queue and goes to the first agent who becomes ready', async () => {
    await start()
    const agent1 = await agent('agent1', false)
    const guest = await visitor()
    expect(guest.status).toEqual({ agentsAvailable: false, queuePosition: null })

    const left = await guest.request('leaveMessage', { clientId: 'leave-0001', name: '李女士', phone: '13912345678', text: '宽带装机预约改到周六上午，可以吗？' })
    if (!left.ok) throw new Error(left.error.message)
    const row = await conversationOf(guest.session.visitorId)
    expect(row).toMatchObject({ id: left.value.conversationId, status: 'queued', identity_name: '李女士' })
    expect(JSON.parse(row?.meta ?? '{}')).toMatchObject({ leftMessage: '1', phone: '13912345678', visitorName: '李女士' })
    const [message] = await db().selectFrom('messages').selectAll().where('conversation_id', '=', left.value.conversationId).execute()
    expect(message?.text).toBe('【访客留言】宽带装机预约改到周六上午，可以吗？\n联系人：李女士\n电话：13912345678')
    // A double click on the form stores it once.
    const again = await guest.request('leaveMessage', { clientId: 'leave-0001', name: '李女士', phone: '13912345678', text: '宽带装机预约改到周六上午，可以吗？' })
    expect(again.ok).toBe(true)
    expect(await db().selectFrom('messages').select('id').where('conversation_id', '=', left.value.conversationId).execute()).toHaveLength(1)

    // The history shows it as the visitor's own message.
    const history = await guest.request('history', {})
    expect(history.ok && history.value.messages.map((m) => [m.from, m.clientId])).toEqual([['visitor', 'leave-0001']])

    // An agent with the skill becomes ready: the visitor hears someone is there; the message is offered.
    const available = nextEvent<{ agentsAvailable: boolean }>(guest.socket, 'status', (s) => s.agentsAvailable)
    await setReady(agent1)
    await available
    await eventually(async () => (await conversationOf(guest.session.visitorId))?.status === 'offered', 'the left message offered to agent1')
    expect((await conversationOf(guest.session.visitorId))?.assigned_agent_id).toBe('a1')
  })

  it('serves the chat page, its script and the embed snippet with a strict policy', async () => {
    await start()
    const page = await fetch(`${centre.server.url}/chat?site=shop`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'self' https://shop.example.com")
    expect(page.headers.get('set-cookie')).toMatch(/^od_visitor=v1\.[a-f0-9]{32}\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax/)
    const html = await page.text()
    expect(html).toContain('data-testid="chat-input"')
    expect(html).not.toMatch(/<script>(?!<\/script>)/)

    for (const path of ['/chat/chat.js', '/chat/socket.io.min.js', '/chat/embed.js']) {
      const res = await fetch(`${centre.server.url}${path}`)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type'), path).toContain('application/javascript')
    }
    expect((await fetch(`${centre.server.url}/chat?site=nope`)).status).toBe(404)
    // The cookie alone identifies the visitor on the socket when the page keeps no token.
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const { io } = await import('socket.io-client')
    const socket = io(`${centre.server.url}/visitor`, { auth: { site: 'shop' }, extraHeaders: { cookie }, transports: ['polling'], reconnection: false, forceNew: true })
    try {
      const session = await nextEvent<{ visitorId: string }>(socket, 'session')
      expect(cookie).toContain(`.${session.visitorId}.`)
    } finally {
      socket.disconnect()
    }
  })

  it('lets an administrator configure chat sites; agents may not; bad settings are refused', async () => {
    await start()
    const { accessToken } = await import('../support/sync-centre')
    const admin = await accessToken(centre.server.url, 'admin', PASSWORD)
    const agentToken = await accessToken(centre.server.url, 'agent1', PASSWORD)
    const sites = (token: string | null, init: RequestInit = {}, key = '') =>
      fetch(`${centre.server.url}/api/admin/webchat/sites${key ? `/${key}` : ''}`, {
        ...init,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
      })

    const listed = (await (await sites(admin)).json()) as { key: string; embedSnippet: string }[]
    expect(listed.map((s) => s.key)).toEqual(['demo', 'shop'])
    expect(listed[1]?.embedSnippet).toBe(`<script src="${centre.server.url}/chat/embed.js" data-site="shop" async></script>`)
    expect((await sites(agentToken)).status).toBe(403)
    expect((await sites(null)).status).toBe(401)

    const good = { name: '售后服务', allowedOrigin: 'https://help.example.com', skillGroupId: 's1', welcome: '售后问题请在这里咨询' }
    const put = (body: unknown, key = 'help', token: string | null = admin) => sites(token, { method: 'PUT', body: JSON.stringify(body) }, key)
    for (const [what, body, key] of [
      ['bad key', good, 'Help!'],
      ['script origin', { ...good, allowedOrigin: 'javascript:alert(1)' }, 'help'],
      ['origin with a path', { ...good, allowedOrigin: 'https://help.example.com/x' }, 'help'],
      ['unknown skill group', { ...good, skillGroupId: 'nope' }, 'help'],
      ['extra field', { ...good, admin: true }, 'help'],
      ['no name', { ...good, name: ' ' }, 'help'],
    ] as const) {
      const res = await put(body, key)
      expect(res.status, what).toBe(400)
    }
    expect((await put(good, 'help', agentToken)).status).toBe(403)
    expect((await centre.server.db.selectFrom('webchat_sites').select('site_key').execute()).map((r) => r.site_key).sort()).toEqual(['demo', 'shop'])

    const created = await put(good)
    expect(created.status).toBe(200)
    expect(await created.json()).toMatchObject({ key: 'help', name: '售后服务', allowedOrigin: 'https://help.example.com', skillGroupId: 's1', enabled: true })
    const helpVisitor = await visitor({ site: 'help' })
    expect(helpVisitor.session.site).toEqual({ key: 'help', name: '售后服务', welcome: '售后问题请在这里咨询' })
    helpVisitor.close()

    // Switched off: the page and the socket say the chat is not available.
    expect((await put({ ...good, enabled: false })).status).toBe(200)
    expect((await fetch(`${centre.server.url}/chat?site=help`)).status).toBe(404)
    await expect(connectVisitor(centre.server.url, { site: 'help' })).rejects.toMatchObject({ data: { code: 'not_found' } })
  })

  it('delivers a reply with a picture the visitor can fetch, and a visitor picture to the agent', async () => {
    await start()
    const agent1 = await agent('agent1')
    const guest = await visitor()
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
    const upload = await fetch(`${centre.server.url}/api/webchat/upload?name=${encodeURIComponent('截图.png')}`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${guest.session.token}` },
      body: png,
    })
    expect(upload.status).toBe(200)
    const ref = (await upload.json()) as { id: string; name: string; mime: string; size: number }
    expect(ref).toMatchObject({ name: '截图.png', mime: 'image/png', size: png.byteLength })
    const sent = await guest.request('message:send', { clientId: 'client-pic-1', text: '这是扣费短信截图', attachmentIds: [ref.id] })
    if (!sent.ok) throw new Error(sent.error.message)
    expect(sent.value.message.attachments).toEqual([ref])
    const conversationId = sent.value.message.conversationId
    await eventually(async () => (await conversationOf(guest.session.visitorId))?.status === 'offered', 'the offer')
    await pushOne(agent1, conversationOp('conversation.accept', { conversationId }))

    // The agent answers with a PDF uploaded from the desktop.
    const { accessToken } = await import('../support/sync-centre')
    const agentToken = await accessToken(centre.server.url, 'agent1', PASSWORD)
    const pdf = Buffer.from('%PDF-1.4\n%退费说明\n', 'utf8')
    const agentUpload = await fetch(`${centre.server.url}/api/attachments?name=${encodeURIComponent('退费说明.pdf')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf', authorization: `Bearer ${agentToken}` },
      body: pdf,
    })
    const pdfRef = (await agentUpload.json()) as { id: string }
    const arrives = nextEvent<VisitorMessage>(guest.socket, 'message', (m) => m.from === 'agent')
    await pushOne(agent1, replyOp(conversationId, '请查看退费说明。', { attachmentIds: [pdfRef.id] }))
    const reply = await arrives
    expect(reply.attachments.map((a) => a.id)).toEqual([pdfRef.id])

    for (const id of [ref.id, pdfRef.id]) {
      const res = await fetch(`${centre.server.url}/api/webchat/attachments/${id}`, { headers: { authorization: `Bearer ${guest.session.token}` } })
      expect(res.status).toBe(200)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    }
    // Another visitor sees neither.
    const stranger = await visitor()
    for (const id of [ref.id, pdfRef.id]) {
      const res = await fetch(`${centre.server.url}/api/webchat/attachments/${id}`, { headers: { authorization: `Bearer ${stranger.session.token}` } })
      expect(res.status).toBe(404)
    }
    const sentResult: VisitorSendResult = sent.value
    expect(sentResult.duplicate).toBe(false)
  })
})

describe('web chat on PostgreSQL', () => {
  it('files, answers, pages history, records reads and ratings the same way', async () => {
    const postgres = await startPostgres()
    const centre = await startSeededCentre(seedWebchatCentre, { databaseUrl: postgres.url, inbox: { offerTimeoutMs: 60_000, slaCheckIntervalMs: 60_000 } })
    const agent1 = await agentSocket(centre.server.url, 'agent1', PASSWORD)
    const guest = await connectVisitor(centre.server.url)
    try {
      await setReady(agent1)
      const sent = await guest.request('message:send', { clientId: 'client-pg-1', text: '你好，宽带账单有疑问' })
      if (!sent.ok) throw new Error(sent.error.message)
      const conversationId = sent.value.message.conversationId
      const again = await guest.request('message:send', { clientId: 'client-pg-1', text: '你好，宽带账单有疑问' })
      expect(again.ok && again.value.duplicate).toBe(true)
      await eventually(async () => {
        const row = await centre.server.db.selectFrom('conversations').select('status').where('id', '=', conversationId).executeTakeFirst()
        return row?.status === 'offered'
      }, 'the offer')
      await pushOne(agent1, conversationOp('conversation.accept', { conversationId }))
      const arrives = nextEvent<VisitorMessage>(guest.socket, 'message', (m) => m.from === 'agent')
      await pushOne(agent1, replyOp(conversationId, '您好，请问是哪个月的账单？'))
      const reply = await arrives
      expect(await guest.request('read', { upTo: reply.id })).toEqual({ ok: true, value: null })
      const history = await guest.request('history', {})
      expect(history.ok && history.value.messages.map((m) => m.from)).toEqual(['visitor', 'agent'])
      expect(history.ok && history.value.agentReadUpTo).toBe(sent.value.message.id)
      const older = await guest.request('history', { before: reply.at })
      expect(older.ok && older.value.messages.map((m) => m.id)).toEqual([sent.value.message.id])
      const survey = nextEvent<{ conversationId: string }>(guest.socket, 'survey:request')
      await pushOne(agent1, conversationOp('conversation.resolve', { conversationId, disposition: 'solved', note: '' }))
      await survey
      expect(await guest.request('rate', { conversationId, rating: 4 })).toEqual({ ok: true, value: null })
      expect((await centre.server.db.selectFrom('conversations').select('rating').where('id', '=', conversationId).executeTakeFirstOrThrow()).rating).toBe(4)
    } finally {
      guest.close()
      agent1.disconnect()
      await centre.cleanup()
      await postgres.stop()
    }
  })
})
