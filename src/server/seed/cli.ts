/**
 * tsx src/server/seed/cli.ts --db <sqlite path | postgres://…> [--password X] [--customers N] [--articles N] [--random SEED]
 * Migrates the database to the latest schema and loads the demo centre into it.
 */
import { parseArgs } from 'node:util'
import { openDatabase } from '../db/database'
import { migrateToLatest } from '../db/migrate'
import { DEFAULT_DEMO_PASSWORD, seedDemoData, type SeedSummary } from './seed-demo-data'

const USAGE = 'Usage: tsx src/server/seed/cli.ts --db <sqlite path | postgres://url> [--password X] [--customers N] [--articles N] [--random SEED]'

function optionalCount(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new Error(`--${name} must be a whole number, got "${value}"`)
  return parsed
}

/** Keeps a PostgreSQL password out of terminal scroll-back and logs. */
function withoutPassword(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:***@')
}

function printSummary(target: string, summary: SeedSummary, password: string): void {
  const tiers = Object.entries(summary.customersByTier).map(([tier, n]) => `${tier} ${n}`).join(', ')
  const lines = [
    `Seeded demo data into ${withoutPassword(target)} in ${(summary.durationMs / 1000).toFixed(1)} s`,
    `  skill groups        ${summary.skillGroups}`,
    `  teams               ${summary.teams}`,
    `  logins              ${summary.agents} agents, ${summary.leads} leads, ${summary.admins} admin (${summary.agentSkills} skill assignments, ${summary.presence} presence rows)`,
    `  reason codes        ${summary.reasonCodes}`,
    `  customers           ${summary.customers} (${tiers})`,
    `  contacts            ${summary.contacts.phone} phones, ${summary.contacts.email} emails, ${summary.contacts.qq} QQ`,
    `  interactions        ${summary.interactions} over the last 90 days`,
    `  KB                  ${summary.kbCategories} categories, ${summary.kbArticles} articles (${summary.mandatoryArticles} mandatory, ${summary.restrictedArticles} limited to a skill group)`,
    '',
    `Demo logins (password for all: ${password}):`,
    ...summary.logins.map((l) => `  ${l.username.padEnd(8)} ${l.role.padEnd(6)} ${l.displayName}${l.team ? `  ${l.team}` : ''}`),
  ]
  console.log(lines.join('\n'))
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      password: { type: 'string' },
      customers: { type: 'string' },
      articles: { type: 'string' },
      random: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  if (!values.db) throw new Error(`--db is required.\n${USAGE}`)
  const password = values.password ?? DEFAULT_DEMO_PASSWORD
  // Bad arguments are reported before a database file gets created.
  const options = {
    password,
    customers: optionalCount('customers', values.customers),
    articles: optionalCount('articles', values.articles),
    random: optionalCount('random', values.random),
  }
  const db = openDatabase(values.db)
  try {
    await migrateToLatest(db)
    const summary = await seedDemoData(db, options)
    printSummary(values.db, summary, password)
  } finally {
    await db.destroy()
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exitCode = 1
})
