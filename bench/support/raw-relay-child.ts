/**
 * Baseline: a bare socket.io server (no auth, no database, no validation). `ping` is broadcast
 * to every client as `pong`; `echo` is only acknowledged.
 * Prints {"ready":true,"url":...} once listening.
 */
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { announceReady, stopOnSignal } from './child-lifecycle'
import type { RelayClientToServer, RelayServerToClient } from './relay-protocol'

const httpServer = createServer()
const io = new Server<RelayClientToServer, RelayServerToClient>(httpServer, { serveClient: false })

io.on('connection', (socket) => {
  socket.on('ping', (payload, ack) => {
    io.emit('pong', payload)
    if (typeof ack === 'function') ack()
  })
  socket.on('echo', (payload, ack) => {
    if (typeof ack === 'function') ack(payload)
  })
})

await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
const address = httpServer.address()
const port = typeof address === 'object' && address ? address.port : 0
stopOnSignal(async () => {
  await io.close()
})
announceReady({ url: `http://127.0.0.1:${port}`, port, pid: process.pid })
