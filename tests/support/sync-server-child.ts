/**
 * The central server alone in a child process, so a test can SIGKILL it in the middle of work.
 * Usage: node --import tsx tests/support/sync-server-child.ts <sqlite file | postgres://…>
 * Prints one JSON line {"url":…,"pid":…} once it is listening.
 */
import { startCentralServer } from '../../src/server/app'

const databaseUrl = process.argv[2]
if (!databaseUrl) {
  console.error('usage: sync-server-child.ts <database>')
  process.exit(2)
}

const server = await startCentralServer({ databaseUrl, port: 0, host: '127.0.0.1', logLevel: 'warn' })
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)))
process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`)
