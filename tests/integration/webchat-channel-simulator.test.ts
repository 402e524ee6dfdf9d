import { afterEach, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import { runWebchatSimulator, type WebchatSimulator } from '../../src/server/simulator/webchat-simulator'
import { startSeededCentre, type RunningCentre } from '../support/centre-process'
import { conversationOp, eventually, pushOne, replyOp, setReady } from '../support/inbox-centre'
import { PASSWORD } from '../support/mini-centre'
import { agentSocket } from '../support/sync-centre'
import { seedWebchatCentre } from '../support/webchat-visitor'

/** The demo's web-chat visitors against a real server: they ask, answer the agent, and rate. */
describe('web-chat customer simulator', () => {
  let centre: RunningCentre
  let simulator: WebchatSimulator | undefined
  let agent: Socket | undefined

  afterEach(async () => {
    await simulator?.stop()
    agent?.disconnect()
    await centre?.cleanup()
  })

  it('asks Chinese questions that reach an agent, answers the reply and rates after resolution', async () => {
    centre = await startSeededCentre(seedWebchatCentre, { inbox: { offerTimeoutMs: 60_000, slaCheckIntervalMs: 60_000 } })
    agent = await agentSocket(centre.server.url, 'agent1', PASSWORD)
    await setReady(agent)
    simulator = runWebchatSimulator({ serverUrl: centre.server.url, visitors: 2, messagesPerMinute: 600, site: 'shop', thinkTimeMs: [10, 50], seed: 7 })

    const db = centre.server.db
    const offered = await eventually(async () => db.selectFrom('conversations').selectAll().where('status', '=', 'offered').where('assigned_agent_id', '=', 'a1').executeTakeFirst(), 'a simulated chat offered to agent1')
    expect(offered.channel).toBe('chat')
    const [question] = await db.selectFrom('messages').select('text').where('conversation_id', '=', offered.id).execute()
    expect(question?.text).toMatch(/[\u4e00-\u9fff]/)

    await pushOne(agent, conversationOp('conversation.accept', { conversationId: offered.id }))
    // Replies until the visitor has answered at least once (they do not always).
    await eventually(async () => {
      await pushOne(agent as Socket, replyOp(offered.id, '您好，请问还有什么可以帮您？'))
      const fromVisitor = await db.selectFrom('messages').select('id').where('conversation_id', '=', offered.id).where('direction', '=', 'in').execute()
      return fromVisitor.length > 1
    }, 'the visitor answering the agent', 20_000)

    // Resolved; a visitor's line still on its way reopens it (as with real customers): take it and resolve again.
    const rated = await eventually(async () => {
      const row = await db.selectFrom('conversations').select(['status', 'rating', 'assigned_agent_id']).where('id', '=', offered.id).executeTakeFirstOrThrow()
      if (row.rating !== null) return row.rating
      if (row.status === 'offered' && row.assigned_agent_id === 'a1') await pushOne(agent as Socket, conversationOp('conversation.accept', { conversationId: offered.id }))
      if (row.status === 'open') await pushOne(agent as Socket, conversationOp('conversation.resolve', { conversationId: offered.id, disposition: 'solved', note: '' }))
      return undefined
    }, 'the rating', 20_000)
    expect(rated).toBeGreaterThanOrEqual(1)
    // The simulator counts what the server acknowledged (the ack comes after the commit).
    await eventually(async () => (simulator as WebchatSimulator).rated >= 1 && (simulator as WebchatSimulator).sent >= 2, 'the simulator counting its rating and messages')
  })
})
