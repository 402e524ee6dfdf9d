/**
 * A bench-only control channel into the central server child (`BENCH_SERVER_CONTROL=1`): each
 * stdin line `{"n":1,"receive":InboundMessage}` is filed with the server's own `Inbox.receive`,
 * the way a channel hands it a customer's message, and answered on stdout with
 * `{"ack":1,"ms":…}` (or `{"nack":1,"error":…}`). Lets the renderer bench put customer messages
 * on chosen conversations at a steady rate without a visitor socket per conversation.
 */
import { createInterface } from 'node:readline'
import { performance } from 'node:perf_hooks'
import type { Inbox } from '../../src/server/inbox/inbox'
import type { InboundMessage } from '../../src/server/inbox/channel-port'

export interface ControlLine {
  n: number
  receive: InboundMessage
}

export function listenForControl(inbox: Inbox): void {
  createInterface({ input: process.stdin }).on('line', (line) => {
    let command: ControlLine
    try {
      command = JSON.parse(line) as ControlLine
    } catch {
      console.error(`control: not JSON: ${line.slice(0, 80)}`)
      return
    }
    const started = performance.now()
    inbox.receive(command.receive).then(
      () => process.stdout.write(`${JSON.stringify({ ack: command.n, ms: performance.now() - started })}\n`),
      (err: unknown) => process.stdout.write(`${JSON.stringify({ nack: command.n, error: err instanceof Error ? err.message : String(err) })}\n`),
    )
  })
}
