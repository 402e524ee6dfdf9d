/**
 * The QQ-group channel end to end over real sockets: a OneBot v11 peer written from the spec
 * connects to a real central server's reverse WebSocket, posts group messages in both encodings,
 * and answers the actions the server sends; an agent works the conversations from a socket.io
 * client on /agent, as the desktop does.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import { conversationOp, eventually, inboxOf, messagesOf, nextAlert, pushOne, replyOp, setReady } from '../support/inbox-centre'
import { PASSWORD } from '../support/mini-centre'
import { OneBotPeer, at, face, image, reply, segmentsOfAction, serveForward, text, type PeerAction } from '../support/onebot-peer'
import { GROUP_ID, GROUP_NAME, SELF_ID, TOKEN, conversationOfMember, startQqCentre, type QqCentre } from '../support/qq-centre'
import { agentSocket } from '../support/sync-centre'

// A 1×1 PNG.
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

let qq: QqCentre
let peer: OneBotPeer
let agent: Socket
let images: Server
let imagesUrl: string
let nextUser = 20_001

const newMember = () => String(nextUser++)

async function accepted(userId: string): Promise<string> {
  const { conversation } = await conversationOfMember(agent, userId)
  await eventually(async () => {
    const view = await inboxOf(agent)
    const c = view.conversations.get(conversation.id)
    return c?.status === 'offered' && c.assignedAgentId === 'a1'
  }, 'the offer to agent1')
  const result = await pushOne(agent, conversationOp('conversation.accept', { conversationId: conversation.id }))
  expect(result.status).toBe('applied')
  return conversation.id
}

const sendGroupMsgs = () => peer.actions.filter((a) => a.action === 'send_group_msg')

async function nextSendGroupMsg(after: number): Promise<PeerAction> {
  return eventually(async () => sendGroupMsgs()[after], 'a send_group_msg action')
}

beforeAll(async () => {
  qq = await startQqCentre()
  peer = await OneBotPeer.connect({ url: qq.wsUrl, selfId: SELF_ID, accessToken: TOKEN, role: 'Universal' })
  await peer.postLifecycle('connect')
  agent = await agentSocket(qq.baseUrl, 'agent1', PASSWORD)
  await setReady(agent)
  images = createServer((req, res) => {
    if (req.url === '/cache/photo.png') res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from(PNG_BASE64, 'base64'))
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve))
  imagesUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}`
})

afterAll(async () => {
  agent?.disconnect()
  await peer?.close()
  await new Promise((resolve) => images?.close(resolve))
  await qq?.cleanup()
})

describe('QQ group messages become conversations', () => {
  it('files a segment-array message under the member, with the group card and the group as subject', async () => {
    const member = newMember()
    await peer.postHeartbeat()
    await peer.postGroupMessage({
      groupId: GROUP_ID,
      userId: member,
      nickname: '老张',
      card: '张建国-翠苑小区',
      message: [at(SELF_ID), text(' 我家宽带又断了，'), face(178), text('光猫 LOS 灯一直红'), at('30003', '李四')],
    })
    const { conversation, messages } = await conversationOfMember(agent, member)
    expect(conversation.subject).toBe(GROUP_NAME)
    expect(conversation.identity).toEqual({ kind: 'qq', value: member, displayName: '张建国-翠苑小区' })
    expect(conversation.meta).toMatchObject({ groupId: GROUP_ID, groupName: GROUP_NAME, selfId: SELF_ID, memberRole: 'member' })
    expect(conversation.skillGroupId).toBe('s1')
    expect(messages.map((m) => [m.direction, m.authorName, m.text])).toEqual([['in', '张建国-翠苑小区', '我家宽带又断了，[表情]光猫 LOS 灯一直红@李四']])
  })

  it('files a CQ-code string message, unescaping &amp; &#91; &#93; and &#44;, under the nickname when there is no card', async () => {
    const member = newMember()
    await peer.postGroupMessage({
      groupId: GROUP_ID,
      userId: member,
      nickname: '小王',
      message: [at(SELF_ID), text('账单里有一笔[流量包]扣费 & 我没订过'), { type: 'share', data: { url: 'http://example.com/?a=1&b=2', title: '震惊,扣费' } }],
      encoding: 'string',
    })
    const { conversation, messages } = await conversationOfMember(agent, member)
    expect(conversation.identity.displayName).toBe('小王')
    expect(messages[0]?.text).toBe('账单里有一笔[流量包]扣费 & 我没订过[链接分享]')

    // The raw wire form, as an implementation writes it by hand.
    await peer.postEvent({
      time: Math.floor(Date.now() / 1000),
      self_id: Number(SELF_ID),
      post_type: 'message',
      message_type: 'group',
      sub_type: 'normal',
      message_id: peer.nextMessageId(),
      group_id: Number(GROUP_ID),
      user_id: Number(member),
      anonymous: null,
      message: '[CQ:at,qq=10086]&#91;追问&#93; 退款多久到账&#44;谢谢 &amp;&amp;[CQ:face,id=14]',
      raw_message: '',
      font: 0,
      sender: { user_id: Number(member), nickname: '小王', card: '', role: 'member' },
    })
    const later = await conversationOfMember(agent, member, (m) => m.length === 2)
    expect(later.conversation.id).toBe(conversation.id)
    expect(later.messages[1]?.text).toBe('@10086 [追问] 退款多久到账&#44;谢谢 &&[表情]')
  })

  it('keeps one conversation per member thread: two members of one group are two conversations', async () => {
    const [first, second] = [newMember(), newMember()]
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: first, nickname: '甲', message: [text('套餐怎么改')] })
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: second, nickname: '乙', message: [text('发票在哪开')] })
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: first, nickname: '甲', message: [text('改成 129 元的')] })
    const a = await conversationOfMember(agent, first, (m) => m.length === 2)
    const b = await conversationOfMember(agent, second)
    expect(a.conversation.id).not.toBe(b.conversation.id)
    expect(a.messages.map((m) => m.text)).toEqual(['套餐怎么改', '改成 129 元的'])
    expect(b.messages.map((m) => m.text)).toEqual(['发票在哪开'])
  })

  it('stores a redelivered message once', async () => {
    const member = newMember()
    const messageId = peer.nextMessageId()
    for (let i = 0; i < 2; i++) await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '重发', messageId, message: [text('同一条消息')] })
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '重发', message: [text('下一条')] })
    const { messages } = await conversationOfMember(agent, member, (m) => m.some((x) => x.text === '下一条'))
    expect(messages.map((m) => m.text)).toEqual(['同一条消息', '下一条'])
  })

  it('turns base64 and loopback images into attachments and keeps other image URLs as text', async () => {
    const member = newMember()
    await peer.postGroupMessage({
      groupId: GROUP_ID,
      userId: member,
      nickname: '发图的',
      message: [
        text('路由器截图'),
        image(`base64://${PNG_BASE64}`),
        image('abc.image', `${imagesUrl}/cache/photo.png`),
        image('remote.image', 'https://gchat.qpic.cn/gchatpic_new/0/0-0-ABC/0'),
      ],
    })
    const { messages } = await conversationOfMember(agent, member)
    const [message] = messages
    expect(message?.attachments.map((a) => [a.mime, a.size])).toEqual([
      ['image/png', Buffer.from(PNG_BASE64, 'base64').length],
      ['image/png', Buffer.from(PNG_BASE64, 'base64').length],
    ])
    expect(message?.text).toBe('路由器截图[图片][图片][图片]\n[图片 https://gchat.qpic.cn/gchatpic_new/0/0-0-ABC/0]')
    const stored = await qq.centre.server.attachments.get(message?.attachments[0]?.id ?? '')
    expect(Buffer.from(stored?.data ?? new Uint8Array()).toString('base64')).toBe(PNG_BASE64)
  })

  it('marks a message recalled on group_recall', async () => {
    const member = newMember()
    const messageId = await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '手滑', message: [text('发错了，这是我身份证号')] })
    const { messages } = await conversationOfMember(agent, member)
    expect(messages[0]?.recalled).toBe(false)
    await peer.postGroupRecall({ groupId: GROUP_ID, userId: member, messageId })
    await conversationOfMember(agent, member, (m) => m[0]?.recalled === true)
  })
})

describe('agent replies go out as send_group_msg', () => {
  it('quotes the customer, @-mentions them, and records the message id the implementation returned', async () => {
    const member = newMember()
    const first = await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '赵六', card: '赵六', message: [text('宽带报修进度怎么查？')] })
    const last = await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '赵六', card: '赵六', message: [text('工单号 GD2024')] })
    await conversationOfMember(agent, member, (m) => m.length === 2)
    const conversationId = await accepted(member)

    const before = sendGroupMsgs().length
    const replyText = '您好，工单 GD2024 已派单，师傅今天下午上门。'
    expect((await pushOne(agent, replyOp(conversationId, replyText))).status).toBe('applied')
    const action = await nextSendGroupMsg(before)
    expect(action.params['group_id']).toBe(Number(GROUP_ID))
    const segments = segmentsOfAction(action)
    // Without an explicit quote, the customer's latest message is quoted.
    expect(segments[0]).toEqual({ type: 'reply', data: { id: String(last) } })
    expect(segments[1]).toEqual({ type: 'at', data: { qq: member } })
    expect(segments[2]?.type).toBe('text')
    expect(segments[2]?.data['text']?.trim()).toBe(replyText)
    expect(typeof action.echo).toBe('string')

    const sent = await conversationOfMember(agent, member, (m) => m.some((x) => x.direction === 'out' && x.delivery === 'sent'))
    const outgoing = sent.messages.find((m) => m.direction === 'out')
    expect(outgoing?.deliveryError).toBeNull()

    // Quoting an earlier message explicitly.
    const quoted = sent.messages.find((m) => m.text === '宽带报修进度怎么查？')
    const again = sendGroupMsgs().length
    await pushOne(agent, replyOp(conversationId, '进度可以在营业厅 App 里查。', { replyToId: quoted?.id ?? null }))
    const second = await nextSendGroupMsg(again)
    expect(segmentsOfAction(second)[0]).toEqual({ type: 'reply', data: { id: String(first) } })
  })

  it('sends image attachments as base64 image segments', async () => {
    const member = newMember()
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '要截图', message: [text('设置步骤发我看看')] })
    const conversationId = await accepted(member)
    const ref = await qq.centre.server.attachments.save({ name: '设置.png', mime: 'image/png', data: Buffer.from(PNG_BASE64, 'base64'), source: 'agent', uploadedBy: 'a1' })
    const before = sendGroupMsgs().length
    await pushOne(agent, replyOp(conversationId, '按图设置即可', { attachmentIds: [ref.id] }))
    const action = await nextSendGroupMsg(before)
    const segments = segmentsOfAction(action)
    expect(segments.at(-1)).toEqual({ type: 'image', data: { file: `base64://${PNG_BASE64}` } })
  })

  it('shows a failing retcode to the agent: the reply is failed with the retcode and wording', async () => {
    const member = newMember()
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '钱七', message: [text('在吗')] })
    const conversationId = await accepted(member)
    peer.answerWith((action) => (action.action === 'send_group_msg' ? { retcode: 1200, status: 'failed', wording: '消息发送失败，机器人已被禁言' } : null))
    try {
      const alert = nextAlert(agent, 'delivery_failed')
      await pushOne(agent, replyOp(conversationId, '在的，请问有什么可以帮您？'))
      const { messages } = await conversationOfMember(agent, member, (m) => m.some((x) => x.direction === 'out' && x.delivery === 'failed'))
      const failed = messages.find((m) => m.direction === 'out')
      expect(failed?.deliveryError).toBe('retcode 1200: 消息发送失败，机器人已被禁言')
      expect((await alert).conversationId).toBe(conversationId)
    } finally {
      peer.answerWith((action, p) => (action.action === 'send_group_msg' ? { retcode: 0, data: { message_id: p.nextMessageId() } } : null))
    }
  })

  it('asks for a rating after resolution and takes a lone digit from the member as the rating', async () => {
    const member = newMember()
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '孙八', message: [text('话费怎么查')] })
    const conversationId = await accepted(member)
    await pushOne(agent, replyOp(conversationId, '发送 CXHF 到 10001 即可查询。'))
    const before = sendGroupMsgs().length
    expect((await pushOne(agent, conversationOp('conversation.resolve', { conversationId, disposition: 'solved', note: '' }))).status).toBe('applied')
    const survey = await eventually(async () => sendGroupMsgs().slice(before).find((a) => segmentsOfAction(a).some((s) => s.type === 'text' && s.data['text']?.includes('1-5'))), 'the survey message')
    expect(segmentsOfAction(survey)[0]).toEqual({ type: 'at', data: { qq: member } })

    await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '孙八', message: [at(SELF_ID), text(' 5')] })
    const rated = await eventually(async () => {
      const c = (await inboxOf(agent)).conversations.get(conversationId)
      return c?.rating === 5 ? c : undefined
    }, 'the rating')
    expect(rated.status).toBe('resolved')

    // The survey is remembered in the store: it still counts after a restart, and a second digit corrects the first.
    await peer.close()
    agent.disconnect()
    await qq.centre.server.stop()
    await qq.centre.restart()
    peer = await OneBotPeer.connect({ url: qq.wsUrl, selfId: SELF_ID, accessToken: TOKEN, role: 'Universal' })
    agent = await agentSocket(qq.baseUrl, 'agent1', PASSWORD)
    await setReady(agent)
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '孙八', message: [text('４')] })
    await eventually(async () => (await inboxOf(agent)).conversations.get(conversationId)?.rating === 4, 'the corrected rating')
    const view = await inboxOf(agent)
    expect(messagesOf(view, conversationId).filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['话费怎么查'])

    // Anything else is a new message: the conversation reopens and a digit is then just a message.
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '孙八', message: [text('还有个问题')] })
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '孙八', message: [text('3')] })
    const reopened = await conversationOfMember(agent, member, (m) => m.some((x) => x.text === '3'))
    expect(reopened.conversation.status).not.toBe('resolved')
  })
})

describe('accounts reached over a forward WebSocket', () => {
  it('connects out to the configured URL with the token, files events and sends replies there', async () => {
    const selfId = '3190001111'
    const token = 'forward-token-91c2'
    const forward = await serveForward({ selfId, accessToken: token })
    try {
      expect((await qq.admin('POST', '/api/admin/qq/accounts', { selfId, accessToken: token, forwardWsUrl: forward.url })).status).toBe(201)
      expect((await qq.admin('POST', '/api/admin/qq/groups', { selfId, groupId: '88880001', name: '光纤升级群', skillGroupId: 's1' })).status).toBe(201)
      const bot = await forward.nextPeer()
      const accounts = await qq.admin('GET', '/api/admin/qq/accounts')
      expect(accounts.body).toEqual(expect.arrayContaining([expect.objectContaining({ selfId, connections: [expect.objectContaining({ origin: 'forward', role: 'Universal' })] })]))
      expect(JSON.stringify(accounts.body)).not.toContain(token)

      const member = newMember()
      await bot.postGroupMessage({ groupId: '88880001', userId: member, nickname: '升级用户', message: [text('千兆怎么办理')] })
      const { conversation } = await conversationOfMember(agent, member)
      expect(conversation.meta).toMatchObject({ selfId, groupId: '88880001', groupName: '光纤升级群' })
      const conversationId = await accepted(member)
      await pushOne(agent, replyOp(conversationId, '可在线办理。'))
      const action = await bot.waitForAction((a) => a.action === 'send_group_msg')
      expect(action.params['group_id']).toBe(88880001)

      // Disabling the account drops the connection and does not reconnect.
      expect((await qq.admin('PATCH', `/api/admin/qq/accounts/${selfId}`, { enabled: false })).status).toBe(200)
      await bot.closed
    } finally {
      await forward.close()
    }
  })
})

describe('reply segment ids survive both encodings', () => {
  it('links a member quoting an agent reply (reply segment) to that reply', async () => {
    const member = newMember()
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '周九', message: [text('密码忘了')] })
    const conversationId = await accepted(member)
    const before = sendGroupMsgs().length
    await pushOne(agent, replyOp(conversationId, '请携带身份证到营业厅重置。'))
    await nextSendGroupMsg(before)
    const { messages } = await conversationOfMember(agent, member, (m) => m.some((x) => x.direction === 'out' && x.delivery === 'sent'))
    const out = messages.find((m) => m.direction === 'out')
    const outRow = await qq.centre.server.db.selectFrom('messages').select('external_id').where('id', '=', out?.id ?? '').executeTakeFirstOrThrow()
    const sentId = outRow.external_id?.split(':')[1] ?? ''
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: member, nickname: '周九', message: [reply(sentId), text('网上不能办吗')], encoding: 'string' })
    const later = await conversationOfMember(agent, member, (m) => m.some((x) => x.text === '网上不能办吗'))
    expect(later.messages.find((m) => m.text === '网上不能办吗')?.replyToId).toBe(out?.id)
  })
})
