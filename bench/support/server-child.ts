/**
 * The central server in its own process, so the bench's 100 clients do not share its event loop.
 * Usage: node --import tsx bench/support/server-child.ts <sqlite file> [port]
 * Prints {"ready":true,"url":...,"port":...} once listening.
 */
import { startCentralServer } from '../../src/server/app'
import { announceReady, stopOnSignal } from './child-lifecycle'
import { listenForControl } from './server-control'

const databaseUrl = process.argv[2]
if (!databaseUrl) {
  console.error('usage: server-child.ts <sqlite file>')
  process.exit(2)
}

// 'warn' so that anything odd the server logs shows up in the bench's collected output.
const port = Number(process.argv[3] ?? 0)
const server = await startCentralServer({ databaseUrl, port, host: '127.0.0.1', logLevel: 'warn' })
stopOnSignal(() => server.stop())
// The renderer bench files customer messages through stdin (see server-control.ts).
if (process.env.BENCH_SERVER_CONTROL === '1') listenForControl(server.inbox)
announceReady({ url: server.url, port: server.port, pid: process.pid })
