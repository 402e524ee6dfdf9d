/**
 * The demo's customers: web-chat visitors and QQ group members (and emails, when a local mail
 * server is configured) writing realistic Chinese traffic to a running central server.
 *
 *   tsx src/server/simulator/cli.ts --server http://127.0.0.1:3800 --db data/demo.sqlite [--rate 6] [--visitors 6]
 *
 * `--rate` is new customer questions per minute across channels (follow-ups, thanks and ratings
 * come on top); 0 keeps the customers quiet. `--db` is the server's database, read for demo
 * customers to come as (so agents see recognised customers with their tier).
 */
import { parseArgs } from 'node:util'
import { openDatabase } from '../db/database'
import { demoQqMembers } from '../channels/qq/demo-config'
import { runQqSimulator } from './qq-simulator'
import { runWebchatSimulator } from './webchat-simulator'

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'http://127.0.0.1:3800' },
    db: { type: 'string' },
    rate: { type: 'string', default: '6' },
    visitors: { type: 'string', default: '6' },
  },
})

async function demoPhones(databaseUrl: string | undefined): Promise<{ customers: { name: string; phone: string }[]; members: { userId: string; name: string }[] }> {
  if (!databaseUrl) return { customers: [], members: [] }
  const db = openDatabase(databaseUrl)
  try {
    const rows = await db
      .selectFrom('customer_contacts')
      .innerJoin('customers', 'customers.id', 'customer_contacts.customer_id')
      .select(['customers.name', 'customer_contacts.value'])
      .where('customer_contacts.kind', '=', 'phone')
      .where('customers.kind', '=', 'person')
      .orderBy('customers.id')
      .limit(30)
      .execute()
    return { customers: rows.map((r) => ({ name: r.name, phone: r.value })), members: await demoQqMembers(db) }
  } finally {
    await db.destroy()
  }
}

async function main(): Promise<void> {
  const rate = Number(values.rate)
  const visitors = Number(values.visitors)
  if (!Number.isFinite(rate) || rate < 0 || rate > 600) throw new Error(`--rate must be 0–600 questions per minute, got ${values.rate}`)
  if (!Number.isInteger(visitors) || visitors < 1 || visitors > 200) throw new Error(`--visitors must be 1–200, got ${values.visitors}`)
  const { customers, members } = await demoPhones(values.db)
  const log = (line: string) => console.log(`[customers] ${line}`)
  // Web chat takes a little more than half of the questions, as on most service sites.
  const webchat = runWebchatSimulator({ serverUrl: values.server, visitors, messagesPerMinute: rate * 0.6, customers, log })
  const qq = runQqSimulator({ serverUrl: values.server, messagesPerMinute: rate * 0.4, members, log })
  console.log(`Simulated customers: ${visitors} web-chat visitors and QQ group members, about ${rate} new questions a minute.`)
  const stop = () => void Promise.allSettled([webchat.stop(), qq.stop()]).then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
