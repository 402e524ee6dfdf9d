/**
 * Baseline of the inbox load bench: a bare socket.io server (no auth, no database, no validation,
 * no queue). Agents connect with `auth: {role: 'agent', agent: <index>}`, customers with
 * `{role: 'customer'}`. A customer's first message picks the next agent in turn (the simplest
 * possible routing decision, kept in a Map); every message of that customer is then emitted to
 * that agent's socket only, and acknowledged.
 * Prints {"ready":true,"url":...} once listening.
 */
import { createServer } from 'node:http'
import { Server, type Socket } from 'socket.io'
import { announceReady, stopOnSignal } from './child-lifecycle'
import type { InboxRelayClientToServer, InboxRelayServerToClient } from './inbox-relay-protocol'

const httpServer = createServer()
const io = new Server<InboxRelayClientToServer, InboxRelayServerToClient>(httpServer, { serveClient: false })

const agents: number[] = []
const agentOf = new Map<string, number>()
let next = 0

io.on('connection', (socket: Socket<InboxRelayClientToServer, InboxRelayServerToClient>) => {
  const auth = (socket.handshake.auth ?? {}) as { role?: unknown; agent?: unknown }
  if (auth.role === 'agent' && typeof auth.agent === 'number') {
    const index = auth.agent
    agents.push(index)
    void socket.join(`agent:${index}`)
    socket.on('disconnect', () => agents.splice(agents.indexOf(index), 1))
    return
  }
  socket.on('customer:message', (message, ack) => {
    let agent = agentOf.get(message.customer)
    if (agent === undefined) {
      agent = agents[next++ % agents.length] ?? -1
      agentOf.set(message.customer, agent)
    }
    io.to(`agent:${agent}`).emit('agent:message', message)
    if (typeof ack === 'function') ack({ ok: true, agent })
  })
})

await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
const address = httpServer.address()
const port = typeof address === 'object' && address ? address.port : 0
stopOnSignal(async () => {
  await io.close()
})
announceReady({ url: `http://127.0.0.1:${port}`, port, pid: process.pid })
