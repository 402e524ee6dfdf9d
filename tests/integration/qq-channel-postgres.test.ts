/**
 * The QQ channel on PostgreSQL: migration 005, configuration, both encodings filed, a reply out as
 * send_group_msg with its message id stored, and a recall.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import { conversationOp, eventually, inboxOf, pushOne, replyOp, setReady } from '../support/inbox-centre'
import { PASSWORD } from '../support/mini-centre'
import { OneBotPeer, segmentsOfAction, text } from '../support/onebot-peer'
import { startPostgres, type PostgresServer } from '../support/postgres'
import { GROUP_ID, SELF_ID, TOKEN, conversationOfMember, startQqCentre, type QqCentre } from '../support/qq-centre'
import { agentSocket } from '../support/sync-centre'

let postgres: PostgresServer
let qq: QqCentre
let peer: OneBotPeer
let agent: Socket

beforeAll(async () => {
  postgres = await startPostgres()
  qq = await startQqCentre({ databaseUrl: postgres.url })
  peer = await OneBotPeer.connect({ url: qq.wsUrl, selfId: SELF_ID, accessToken: TOKEN, role: 'Universal' })
  agent = await agentSocket(qq.baseUrl, 'agent1', PASSWORD)
  await setReady(agent)
})

afterAll(async () => {
  agent?.disconnect()
  await peer?.close()
  await qq?.cleanup()
  await postgres?.stop()
})

describe('QQ channel on PostgreSQL', () => {
  it('files both encodings, sends a reply and records a recall', async () => {
    await peer.postGroupMessage({ groupId: GROUP_ID, userId: '40001', nickname: '数组', message: [text('数组格式[消息]')] })
    const recalled = await peer.postGroupMessage({ groupId: GROUP_ID, userId: '40001', nickname: '数组', message: [text('字符串格式 & 消息')], encoding: 'string' })
    const { conversation, messages } = await conversationOfMember(agent, '40001', (m) => m.length === 2)
    expect(messages.map((m) => m.text)).toEqual(['数组格式[消息]', '字符串格式 & 消息'])

    await eventually(async () => (await inboxOf(agent)).conversations.get(conversation.id)?.status === 'offered', 'the offer')
    expect((await pushOne(agent, conversationOp('conversation.accept', { conversationId: conversation.id }))).status).toBe('applied')
    await pushOne(agent, replyOp(conversation.id, '收到'))
    const action = await peer.waitForAction((a) => a.action === 'send_group_msg')
    expect(segmentsOfAction(action).slice(0, 2)).toEqual([
      { type: 'reply', data: { id: String(recalled) } },
      { type: 'at', data: { qq: '40001' } },
    ])
    await conversationOfMember(agent, '40001', (m) => m.some((x) => x.direction === 'out' && x.delivery === 'sent'))

    await peer.postGroupRecall({ groupId: GROUP_ID, userId: '40001', messageId: recalled })
    const recalledId = messages[1]?.id
    // The desktop gets a recalled message without its text.
    const after = await conversationOfMember(agent, '40001', (m) => m.find((x) => x.id === recalledId)?.recalled === true)
    expect(after.messages.find((x) => x.id === recalledId)?.text).toBe('')
  })
})
