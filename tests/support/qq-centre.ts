/**
 * The mini centre with the QQ channel configured the way an administrator does it (over
 * /api/admin/qq/*): one bot account and one group routed to skill group s1 (agent1's skill).
 */
import type { Socket } from 'socket.io-client'
import { ONEBOT_REVERSE_PATH } from '../../src/server/channels/qq'
import type { ServerConfig } from '../../src/server/config'
import type { ConversationRecord, MessageRecord } from '../../src/shared/domain/conversations'
import { startSeededCentre, type RunningCentre } from './centre-process'
import { eventually, inboxOf, messagesOf } from './inbox-centre'
import { PASSWORD, seedMiniCentre } from './mini-centre'
import { accessToken } from './sync-centre'

export const SELF_ID = '2854196310'
export const TOKEN = 'onebot-test-token-7f3a'
export const GROUP_ID = '734561234'
export const GROUP_NAME = '宽带用户交流群'

export interface QqCentre {
  centre: RunningCentre
  baseUrl: string
  /** ws://…/onebot/v11/ws */
  wsUrl: string
  adminToken: string
  admin(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: unknown }>
  cleanup(): Promise<void>
}

/** `config.databaseUrl` may point at PostgreSQL; SQLite in a temp folder otherwise. */
export async function startQqCentre(config: Partial<ServerConfig> = {}): Promise<QqCentre> {
  const centre = await startSeededCentre(async (db) => {
    await seedMiniCentre(db)
    // Room for every conversation the tests open, so routing never waits on capacity.
    await db.updateTable('agents').set({ chat_capacity: 100 }).where('id', '=', 'a1').execute()
  }, config)
  const baseUrl = centre.server.url
  const adminToken = await accessToken(baseUrl, 'admin', PASSWORD)
  const admin: QqCentre['admin'] = async (method, path, body, token = adminToken) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    })
    const textBody = await res.text()
    return { status: res.status, body: textBody ? (JSON.parse(textBody) as unknown) : null }
  }
  const account = await admin('POST', '/api/admin/qq/accounts', { selfId: SELF_ID, name: '客服小Q', accessToken: TOKEN })
  if (account.status !== 201) throw new Error(`account setup failed: ${JSON.stringify(account.body)}`)
  const group = await admin('POST', '/api/admin/qq/groups', { selfId: SELF_ID, groupId: GROUP_ID, name: GROUP_NAME, skillGroupId: 's1' })
  if (group.status !== 201) throw new Error(`group setup failed: ${JSON.stringify(group.body)}`)
  return {
    centre,
    baseUrl,
    wsUrl: `${baseUrl.replace(/^http/, 'ws')}${ONEBOT_REVERSE_PATH}`,
    adminToken,
    admin,
    cleanup: () => centre.cleanup(),
  }
}

/** The agent's view of the QQ conversation of one group member, once it holds a matching message. */
export async function conversationOfMember(
  socket: Socket,
  userId: string,
  fits: (messages: MessageRecord[]) => boolean = (m) => m.length > 0,
): Promise<{ conversation: ConversationRecord; messages: MessageRecord[] }> {
  return eventually(async () => {
    const view = await inboxOf(socket)
    for (const conversation of view.conversations.values()) {
      if (conversation.channel !== 'qq' || conversation.identity.value !== userId) continue
      const messages = messagesOf(view, conversation.id)
      if (fits(messages)) return { conversation, messages }
    }
    return undefined
  }, `a QQ conversation of member ${userId}`)
}
