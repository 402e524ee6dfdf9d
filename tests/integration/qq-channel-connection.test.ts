/**
 * One OneBot connection over a real WebSocket pair: actions wait for their own answer and give up
 * after their timeout or when the connection goes, events are handed over one at a time in order;
 * and the forward connector keeps retrying an implementation that refuses it.
 */
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { ActionError, OneBotConnection } from '../../src/server/channels/qq/onebot-connection'
import { createLogger } from '../../src/server/logger'
import { OneBotPeer, serveForward, text } from '../support/onebot-peer'
import { eventually } from '../support/inbox-centre'
import { GROUP_ID, startQqCentre, type QqCentre } from '../support/qq-centre'

const log = createLogger('silent')
const cleanups: (() => Promise<unknown> | void)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A server-side OneBotConnection and the OneBot peer on the other end of the socket. */
async function pair(onEvent: (event: Record<string, unknown>) => Promise<void> = async () => undefined): Promise<{ connection: OneBotConnection; peer: OneBotPeer }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())))
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve))
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`)
  const peer = new OneBotPeer(client, '10001', () => null)
  await new Promise<void>((resolve) => client.once('open', () => resolve()))
  const connection = new OneBotConnection(await accepted, { selfId: '10001', role: 'Universal', origin: 'reverse', log, onEvent: (_c, e) => onEvent(e), onClose: () => undefined })
  cleanups.push(() => connection.close())
  return { connection, peer }
}

describe('OneBot connection', () => {
  it('matches answers to actions by echo, whatever order they come in', async () => {
    const { connection, peer } = await pair()
    const answers: ((echo: unknown) => void)[] = []
    peer.answerWith((action) => {
      answers.push((echo) => void peer.sendRaw(JSON.stringify({ status: 'ok', retcode: 0, data: { message_id: action.params['n'] }, echo })))
      return null
    })
    const first = connection.call('send_group_msg', { n: 1 }, 5_000)
    const second = connection.call('send_group_msg', { n: 2 }, 5_000)
    await eventually(async () => peer.actions.length === 2, 'both actions')
    answers[1]?.(peer.actions[1]?.echo)
    answers[0]?.(peer.actions[0]?.echo)
    expect((await first).data).toEqual({ message_id: 1 })
    expect((await second).data).toEqual({ message_id: 2 })
  })

  it('gives up on an action after its timeout, as possibly sent', async () => {
    const { connection } = await pair()
    const error = await connection.call('send_group_msg', {}, 200).catch((err: unknown) => err)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).notSent).toBe(false)
  })

  it('fails pending actions when the connection closes, and refuses new ones as not sent', async () => {
    const { connection, peer } = await pair()
    const pending = connection.call('send_group_msg', {}, 10_000).catch((err: unknown) => err)
    await peer.waitForAction((a) => a.action === 'send_group_msg')
    peer.terminate()
    const error = (await pending) as ActionError
    expect(error).toBeInstanceOf(ActionError)
    expect(error.notSent).toBe(false)
    const later = (await connection.call('send_group_msg', {}, 1_000).catch((err: unknown) => err)) as ActionError
    expect(later.notSent).toBe(true)
  })

  it('hands events over one at a time, in the order they came', async () => {
    const seen: number[] = []
    let inside = 0
    let overlapped = false
    const { peer } = await pair(async (event) => {
      inside += 1
      if (inside > 1) overlapped = true
      // A slow handler for the early events: later ones must still wait their turn.
      const n = Number(event['n'])
      await new Promise((resolve) => setImmediate(resolve))
      if (n < 3) await new Promise((resolve) => setTimeout(resolve, 20))
      seen.push(n)
      inside -= 1
    })
    for (let n = 0; n < 10; n++) await peer.postEvent({ post_type: 'meta_event', n })
    await eventually(async () => seen.length === 10, 'all events')
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(overlapped).toBe(false)
  })
})

describe('forward WebSocket connector', () => {
  let qq: QqCentre | undefined
  afterEach(async () => {
    await qq?.cleanup()
    qq = undefined
  })

  it('retries an implementation that refuses its token, and connects once the token is fixed', async () => {
    qq = await startQqCentre()
    const selfId = '3190002222'
    const forward = await serveForward({ selfId, accessToken: 'the-right-token' })
    cleanups.push(() => forward.close())
    expect((await qq.admin('POST', '/api/admin/qq/accounts', { selfId, accessToken: 'a-wrong-token', forwardWsUrl: forward.url })).status).toBe(201)
    expect((await qq.admin('POST', '/api/admin/qq/groups', { selfId, groupId: GROUP_ID, name: '转发群', skillGroupId: 's1' })).status).toBe(201)
    await eventually(async () => forward.refused >= 2, 'a retry after the refusal')
    expect(qq.centre.server.qq.channel.connectionsOf(selfId)).toEqual([])

    expect((await qq.admin('PATCH', `/api/admin/qq/accounts/${selfId}`, { accessToken: 'the-right-token' })).status).toBe(200)
    const bot = await forward.nextPeer()
    await bot.postGroupMessage({ groupId: GROUP_ID, userId: '60001', nickname: '转发', message: [text('通过正向连接')] })
    await eventually(async () => {
      const row = await qq?.centre.server.db.selectFrom('messages').select('text').where('external_id', 'like', `${selfId}:%`).executeTakeFirst()
      return row?.text === '通过正向连接'
    }, 'the message over the forward connection')
  })
})
