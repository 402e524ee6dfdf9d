/**
 * The central server's command line.
 *   tsx src/server/cli.ts serve [--db FILE|postgres://…] [--host 127.0.0.1] [--port 3800] [--demo]
 *   tsx src/server/cli.ts migrate [--db …]
 * `--demo` loads the Chinese demo centre into an empty database before serving.
 * Demo data on its own: tsx src/server/seed/cli.ts --db …
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { startCentralServer } from './app'
import { defaultServerConfig } from './config'
import { openDatabase } from './db/database'
import { migrateToLatest } from './db/migrate'
import { seedDemoQqConfig } from './channels/qq/demo-config'
import { DEFAULT_DEMO_PASSWORD, seedDemoData } from './seed'

const USAGE = 'Usage: tsx src/server/cli.ts serve|migrate [--db FILE|postgres://…] [--host H] [--port P] [--demo]'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    db: { type: 'string', default: process.env.OMNI_DATABASE_URL ?? defaultServerConfig.databaseUrl },
    host: { type: 'string', default: process.env.OMNI_HOST ?? defaultServerConfig.host },
    port: { type: 'string', default: process.env.OMNI_PORT ?? String(defaultServerConfig.port) },
    demo: { type: 'boolean', default: false },
  },
})

function ensureFolderFor(databaseUrl: string): void {
  if (!/^postgres(ql)?:\/\//.test(databaseUrl) && databaseUrl !== ':memory:') mkdirSync(dirname(databaseUrl), { recursive: true })
}

async function seedIfEmpty(databaseUrl: string): Promise<void> {
  const db = openDatabase(databaseUrl)
  try {
    await migrateToLatest(db)
    const any = await db.selectFrom('agents').select('id').limit(1).executeTakeFirst()
    if (!any) {
      const summary = await seedDemoData(db)
      console.log(`Loaded demo data: ${summary.agents} agents, ${summary.leads} leads, ${summary.customers} customers, ${summary.kbArticles} KB articles (password ${DEFAULT_DEMO_PASSWORD}).`)
    }
    // The demo's QQ account and groups, for the simulated OneBot peer (kept if already there).
    const qq = await seedDemoQqConfig(db)
    console.log(`Demo QQ account ${qq.selfId} with ${qq.groups.length} groups.`)
  } finally {
    await db.destroy()
  }
}

async function main(): Promise<void> {
  const command = positionals[0] ?? 'serve'
  const databaseUrl = values.db
  ensureFolderFor(databaseUrl)
  if (command === 'migrate') {
    const db = openDatabase(databaseUrl)
    const applied = await migrateToLatest(db)
    await db.destroy()
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date')
    return
  }
  if (command !== 'serve') throw new Error(USAGE)
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got ${values.port}`)
  if (values.demo) await seedIfEmpty(databaseUrl)
  const server = await startCentralServer({ databaseUrl, host: values.host, port, tokenSecret: process.env.OMNI_TOKEN_SECRET })
  console.log(`Central server listening on ${server.url}`)
  const stop = () => void server.stop().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
