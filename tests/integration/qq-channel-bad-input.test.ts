/**
 * The QQ channel under bad input: refused connections (token, self id, role), malformed and
 * unexpected OneBot frames, oversized frames, answers to actions never sent, and bad admin
 * requests. Each is refused or ignored, changes nothing, and the channel keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import { MAX_ONEBOT_FRAME_BYTES } from '../../src/server/channels/qq/onebot-schemas'
import { MAX_QQ_TEXT_CHARS } from '../../src/server/channels/qq/qq-channel'
import { conversationOp, eventually, inboxOf, messagesOf, pushOne, replyOp, setReady } from '../support/inbox-centre'
import { PASSWORD } from '../support/mini-centre'
import { OneBotPeer, PeerRefusedError, text } from '../support/onebot-peer'
import { GROUP_ID, SELF_ID, TOKEN, conversationOfMember, startQqCentre, type QqCentre } from '../support/qq-centre'
import { accessToken, agentSocket } from '../support/sync-centre'

let qq: QqCentre
let agent: Socket

async function counts(): Promise<{ conversations: number; messages: number; attachments: number; accounts: number; groups: number }> {
  const db = qq.centre.server.db
  const n = async (table: 'conversations' | 'messages' | 'attachments' | 'qq_accounts' | 'qq_groups') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
  return { conversations: await n('conversations'), messages: await n('messages'), attachments: await n('attachments'), accounts: await n('qq_accounts'), groups: await n('qq_groups') }
}

async function refusal(options: Parameters<typeof OneBotPeer.connect>[0]): Promise<number> {
  try {
    const peer = await OneBotPeer.connect(options)
    await peer.close()
    return 101
  } catch (err) {
    if (err instanceof PeerRefusedError) return err.status
    throw err
  }
}

const event = (fields: Record<string, unknown>) =>
  JSON.stringify({ time: Math.floor(Date.now() / 1000), self_id: Number(SELF_ID), ...fields })

const groupMessage = (fields: Record<string, unknown>) =>
  event({
    post_type: 'message',
    message_type: 'group',
    sub_type: 'normal',
    message_id: 424242,
    group_id: Number(GROUP_ID),
    user_id: 55501,
    message: [{ type: 'text', data: { text: '坏消息' } }],
    raw_message: '坏消息',
    font: 0,
    sender: { user_id: 55501, nickname: '坏人', card: '', role: 'member' },
    ...fields,
  })

beforeAll(async () => {
  qq = await startQqCentre()
  agent = await agentSocket(qq.baseUrl, 'agent1', PASSWORD)
  await setReady(agent)
  // A second account, configured but disabled.
  expect((await qq.admin('POST', '/api/admin/qq/accounts', { selfId: '1234567890', accessToken: 'disabled-token-1', enabled: false })).status).toBe(201)
})

afterAll(async () => {
  agent?.disconnect()
  await qq?.cleanup()
})

describe('connections are refused before the upgrade', () => {
  it('answers 401 without a token, 403 for a wrong token, an unknown or a disabled account, 400 for bad headers', async () => {
    const before = await counts()
    const base = { url: qq.wsUrl, selfId: SELF_ID, role: 'Universal' as const }
    expect(await refusal({ ...base })).toBe(401)
    expect(await refusal({ ...base, accessToken: 'wrong-token-123' })).toBe(403)
    expect(await refusal({ ...base, accessToken: `${TOKEN}x` })).toBe(403)
    expect(await refusal({ ...base, selfId: '99999999', accessToken: TOKEN })).toBe(403)
    expect(await refusal({ ...base, selfId: '1234567890', accessToken: 'disabled-token-1' })).toBe(403)
    expect(await refusal({ url: qq.wsUrl, selfId: SELF_ID, headers: { Authorization: `Bearer ${TOKEN}`, 'X-Client-Role': 'Universal' } })).toBe(400)
    expect(await refusal({ url: qq.wsUrl, selfId: SELF_ID, headers: { Authorization: `Bearer ${TOKEN}`, 'X-Self-ID': 'abc', 'X-Client-Role': 'Universal' } })).toBe(400)
    expect(await refusal({ url: qq.wsUrl, selfId: SELF_ID, headers: { Authorization: `Bearer ${TOKEN}`, 'X-Self-ID': SELF_ID } })).toBe(400)
    expect(await refusal({ ...base, role: 'Bot' as never, accessToken: TOKEN })).toBe(400)
    expect(await refusal({ ...base, url: `${qq.wsUrl}/api`, role: 'Event', accessToken: TOKEN })).toBe(400)
    expect(await counts()).toEqual(before)
  })

  it('accepts the token as the access_token query parameter and the /api and /event variants', async () => {
    expect(await refusal({ url: qq.wsUrl, selfId: SELF_ID, role: 'Universal', accessToken: TOKEN, tokenIn: 'query' })).toBe(101)
    expect(await refusal({ url: `${qq.wsUrl}/api`, selfId: SELF_ID, role: 'API', accessToken: TOKEN })).toBe(101)
    expect(await refusal({ url: `${qq.wsUrl}/event`, selfId: SELF_ID, role: 'Event', accessToken: TOKEN })).toBe(101)
  })

  it('leaves socket.io alone on the same port', async () => {
    const other = await agentSocket(qq.baseUrl, 'agent2', PASSWORD)
    expect(other.connected).toBe(true)
    other.disconnect()
  })
})

describe('bad frames are logged and ignored', () => {
  it('ignores malformed, unknown and ill-typed frames, and keeps the connection for the next good one', async () => {
    const peer = await OneBotPeer.connect({ url: qq.wsUrl, selfId: SELF_ID, role: 'Universal', accessToken: TOKEN })
    const before = await counts()
    const frames: (string | Buffer)[] = [
      'not json at all {',
      Buffer.from([0xff, 0xfe, 0x00, 0x01]),
      '[]',
      'null',
      '42',
      '{}',
      event({ post_type: 'telepathy' }),
      JSON.stringify({ post_type: 'message', message_type: 'group' }),
      groupMessage({ user_id: undefined }),
      groupMessage({ group_id: 'not-a-number' }),
      groupMessage({ message: 12345 }),
      groupMessage({ message: [{ type: 'text' }, { data: { text: 'no type' } }] }),
      groupMessage({ sender: 'nobody' }),
      groupMessage({ user_id: -5 }),
      groupMessage({ time: 'yesterday' }),
      // For another account than the connection's.
      groupMessage({ self_id: 1234567890 }),
      // A group that is not configured.
      groupMessage({ group_id: 11112222 }),
      // The bot's own message.
      groupMessage({ user_id: Number(SELF_ID) }),
      // Private messages are not the group channel's.
      event({ post_type: 'message', message_type: 'private', message_id: 1, user_id: 55501, message: 'hi', raw_message: 'hi', font: 0, sender: {} }),
      event({ post_type: 'notice', notice_type: 'group_recall', group_id: Number(GROUP_ID) }),
      event({ post_type: 'notice', notice_type: 'group_increase', group_id: Number(GROUP_ID), user_id: 1, operator_id: 1, sub_type: 'approve' }),
      event({ post_type: 'meta_event', meta_event_type: 'heartbeat', interval: 'often' }),
      event({ post_type: 'request', request_type: 'friend', user_id: 1, comment: '加个好友', flag: 'x' }),
      // Answers to actions the server never sent, and a malformed answer.
      JSON.stringify({ status: 'ok', retcode: 0, data: { message_id: 1 }, echo: 'never-sent' }),
      JSON.stringify({ status: 'ok', retcode: 0, data: null, echo: { nested: true } }),
      JSON.stringify({ status: 'ok', retcode: 'zero', echo: 'x' }),
    ]
    for (const frame of frames) await peer.sendRaw(frame, { binary: Buffer.isBuffer(frame) })
    // Events are handled in order: once this one is filed, every frame before it was handled.
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: '55502', nickname: '好人', message: [text('正常的消息')] })
    await conversationOfMember(agent, '55502')
    expect(peer.isOpen).toBe(true)
    const after = await counts()
    expect(after).toEqual({ ...before, conversations: before.conversations + 1, messages: before.messages + 1 })
    await peer.close()
  })

  it('closes the connection on a frame larger than the limit, storing nothing, and takes the next connection', async () => {
    const peer = await OneBotPeer.connect({ url: qq.wsUrl, selfId: SELF_ID, role: 'Universal', accessToken: TOKEN })
    const before = await counts()
    const huge = groupMessage({ message: [{ type: 'text', data: { text: '大'.repeat(MAX_ONEBOT_FRAME_BYTES / 3 + 10) } }] })
    await peer.sendRaw(huge).catch(() => undefined)
    expect((await peer.closed).code).toBe(1009)
    expect(await counts()).toEqual(before)

    const again = await OneBotPeer.connect({ url: qq.wsUrl, selfId: SELF_ID, role: 'Universal', accessToken: TOKEN })
    await again.postGroupMessage({ groupId: GROUP_ID, userId: '55503', nickname: '后来者', message: [text('还能用吗')] })
    await conversationOfMember(agent, '55503')
    await again.close()
  })

  it('files an overlong message cut to a readable length', async () => {
    const peer = await OneBotPeer.connect({ url: qq.wsUrl, selfId: SELF_ID, role: 'Universal', accessToken: TOKEN })
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: '55507', nickname: '刷屏', message: [text('刷'.repeat(300_000))] })
    const { messages } = await conversationOfMember(agent, '55507')
    expect(messages[0]?.text).toBe(`${'刷'.repeat(MAX_QQ_TEXT_CHARS)}…（消息过长，已截断）`)
    await peer.close()
  })

  it('ignores events on an API-only connection', async () => {
    const api = await OneBotPeer.connect({ url: `${qq.wsUrl}/api`, selfId: SELF_ID, role: 'API', accessToken: TOKEN })
    const before = await counts()
    await api.postGroupMessage({ groupId: GROUP_ID, userId: '55504', nickname: '走错门', message: [text('我从 API 连接发事件')] })
    // A Universal connection's message after it proves the server has read past it.
    const universal = await OneBotPeer.connect({ url: qq.wsUrl, selfId: SELF_ID, role: 'Universal', accessToken: TOKEN })
    await universal.postGroupMessage({ groupId: GROUP_ID, userId: '55505', nickname: '正门', message: [text('我从正门来')] })
    await conversationOfMember(agent, '55505')
    expect((await counts()).messages).toBe(before.messages + 1)
    await api.close()
    await universal.close()
  })
})

describe('delivery when the implementation is away', () => {
  it('keeps a reply pending while no connection is up and sends it once one is', async () => {
    const peer = await OneBotPeer.connect({ url: qq.wsUrl, selfId: SELF_ID, role: 'Universal', accessToken: TOKEN })
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: '55506', nickname: '等回复', message: [text('人呢')] })
    const { conversation } = await conversationOfMember(agent, '55506')
    await eventually(async () => (await inboxOf(agent)).conversations.get(conversation.id)?.status === 'offered', 'the offer')
    expect((await pushOne(agent, conversationOp('conversation.accept', { conversationId: conversation.id }))).status).toBe('applied')
    await peer.close()
    await eventually(async () => qq.centre.server.qq.channel.connectionsOf(SELF_ID).length === 0, 'the connection to be gone')

    await pushOne(agent, replyOp(conversation.id, '抱歉久等了'))
    const pending = await eventually(async () => messagesOf(await inboxOf(agent), conversation.id).find((m) => m.direction === 'out'), 'the reply')
    expect(pending.delivery).toBe('pending')

    const back = await OneBotPeer.connect({ url: qq.wsUrl, selfId: SELF_ID, role: 'Universal', accessToken: TOKEN })
    await back.waitForAction((a) => a.action === 'send_group_msg', 20_000)
    await eventually(async () => messagesOf(await inboxOf(agent), conversation.id).find((m) => m.direction === 'out' && m.delivery === 'sent'), 'the reply sent', 20_000)
    await back.close()
  })
})

describe('admin configuration', () => {
  it('refuses bad requests and changes nothing', async () => {
    const before = await counts()
    const agentToken = await accessToken(qq.baseUrl, 'agent1', PASSWORD)
    expect((await qq.admin('GET', '/api/admin/qq/accounts', undefined, agentToken)).status).toBe(403)
    expect((await qq.admin('POST', '/api/admin/qq/accounts', { selfId: '5550001', accessToken: 'agent-cannot-1' }, agentToken)).status).toBe(403)
    expect((await qq.admin('GET', '/api/admin/qq/groups', undefined, 'not-a-token')).status).toBe(401)
    const bad: [string, string, unknown, number][] = [
      ['POST', '/api/admin/qq/accounts', { selfId: 'abc', accessToken: 'long-enough-1' }, 400],
      ['POST', '/api/admin/qq/accounts', { selfId: '5550001', accessToken: 'short' }, 400],
      ['POST', '/api/admin/qq/accounts', { selfId: '5550001', accessToken: 'has a space 1' }, 400],
      ['POST', '/api/admin/qq/accounts', { selfId: '5550001', accessToken: 'long-enough-1', forwardWsUrl: 'http://127.0.0.1:1/' }, 400],
      ['POST', '/api/admin/qq/accounts', { selfId: '5550001', accessToken: 'long-enough-1', extra: true }, 400],
      ['POST', '/api/admin/qq/accounts', { selfId: SELF_ID, accessToken: 'long-enough-1' }, 409],
      ['POST', '/api/admin/qq/accounts', 'not json', 400],
      ['PATCH', '/api/admin/qq/accounts/5550009', { name: 'x' }, 404],
      ['PATCH', `/api/admin/qq/accounts/${SELF_ID}`, { enabled: 'yes' }, 400],
      ['POST', '/api/admin/qq/groups', { selfId: SELF_ID, groupId: '5550002', name: '群', skillGroupId: 'no-such-group' }, 400],
      ['POST', '/api/admin/qq/groups', { selfId: '5550009', groupId: '5550002', name: '群', skillGroupId: 's1' }, 400],
      ['POST', '/api/admin/qq/groups', { selfId: SELF_ID, groupId: GROUP_ID, name: '重复', skillGroupId: 's1' }, 409],
      ['POST', '/api/admin/qq/groups', { selfId: SELF_ID, groupId: '5550002', name: '', skillGroupId: 's1' }, 400],
      ['PATCH', `/api/admin/qq/accounts/${SELF_ID}/groups/5550003`, { name: '无' }, 404],
      ['PATCH', `/api/admin/qq/accounts/${SELF_ID}/groups/${GROUP_ID}`, { skillGroupId: 'no-such-group' }, 400],
      ['DELETE', `/api/admin/qq/accounts/${SELF_ID}/groups/5550003`, undefined, 404],
    ]
    for (const [method, path, body, status] of bad) {
      expect({ method, path, status: (await qq.admin(method, path, body)).status }).toEqual({ method, path, status })
    }
    expect(await counts()).toEqual(before)
  })

  it('closes live connections when their token is changed', async () => {
    const peer = await OneBotPeer.connect({ url: qq.wsUrl, selfId: SELF_ID, role: 'Universal', accessToken: TOKEN })
    expect((await qq.admin('PATCH', `/api/admin/qq/accounts/${SELF_ID}`, { accessToken: 'rotated-token-2' })).status).toBe(200)
    expect((await peer.closed).code).toBe(1008)
    expect(await refusal({ url: qq.wsUrl, selfId: SELF_ID, role: 'Universal', accessToken: TOKEN })).toBe(403)
    expect(await refusal({ url: qq.wsUrl, selfId: SELF_ID, role: 'Universal', accessToken: 'rotated-token-2' })).toBe(101)
    expect((await qq.admin('PATCH', `/api/admin/qq/accounts/${SELF_ID}`, { accessToken: TOKEN })).status).toBe(200)
  })
})
