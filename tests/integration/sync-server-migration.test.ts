import { Migrator, type Migration } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCentralServer, type CentralServer } from '../../src/server/app'
import { openDatabase, type Db } from '../../src/server/db/database'
import { migrateToLatest } from '../../src/server/db/migrate'
import * as m001 from '../../src/server/db/migrations/001-initial'
import { sanitizeKbHtml } from '../../src/server/sync/kb-html'
import { SyncChangeSchema, type SyncChange } from '../../src/shared/protocol/sync'
import { PASSWORD, seedMiniCentre } from '../support/mini-centre'
import { agentSocket, pullAll } from '../support/sync-centre'

/** A centre that was running before migration 002: plain-text KB bodies, no change log. */
async function seedBefore002(db: Db): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => ({ '001-initial': m001 as Migration }) } })
  const { error } = await migrator.migrateToLatest()
  if (error) throw error
  await seedMiniCentre(db, { logChanges: false })
  const now = Date.now()
  await db.insertInto('kb_categories').values([{ id: 'c1', name: '话费与账单', parent_id: null, sort: 1 }, { id: 'c2', name: '账单查询', parent_id: 'c1', sort: 1 }]).execute()
  // Written without the version column, as 001 knew customers.
  for (const [id, name] of [['cu1', '赵敏'], ['cu2', '钱进'], ['cu3', '孙丽']] as const) {
    await db.insertInto('customers').values({ id, name, tier: '金', kind: 'person', company: null, city: '北京', notes: '', tags: '宽带用户,合约用户', created_at: now, updated_at: now }).execute()
    await db.insertInto('customer_contacts').values({ id: `${id}-p`, customer_id: id, kind: 'phone', value: '138 0013 8000'.replace('8000', String(8000 + id.length)), normalized: `1380013800${id.slice(-1)}` }).execute()
  }
  await db.insertInto('kb_articles').values([
    { id: 'k1', category_id: 'c2', title: '如何查询话费账单', body: '【业务说明】\n月结账单于每月3日前生成。\n\n1. 核实身份\n2. 查询账单 <script>alert(1)</script> & 说明', tags: '账单', mandatory: 0, skill_group_id: null, version: 2, created_at: now, updated_at: now },
    { id: 'k2', category_id: 'c2', title: '内部：账单调账权限', body: '仅话费账单组可见。', tags: '', mandatory: 0, skill_group_id: 's1', version: 1, created_at: now, updated_at: now },
  ]).execute()
}

let dir: string
let server: CentralServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omni-sync-migrate-'))
  const file = join(dir, 'server.sqlite')
  const db = openDatabase(file)
  await seedBefore002(db)
  // 002 backfills the change log; later migrations follow it.
  expect((await migrateToLatest(db))[0]).toBe('002-sync')
  await db.destroy()
  server = await startCentralServer({ databaseUrl: file, port: 0, logLevel: 'silent' })
})
afterAll(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const BACKFILLED = new Set(['kb_category', 'kb_article', 'customer', 'reason_code'])

describe('migration 002 on a centre that already had data', () => {
  it('logs a change for every existing record, parents first, and turns KB bodies into safe HTML', async () => {
    // Later migrations add records of their own (disposition codes, settings, ...) after 002's backfill.
    const changes = (await server.db.selectFrom('changes').selectAll().orderBy('seq').execute()).filter((c) => BACKFILLED.has(c.entity))
    expect(changes.map((c) => `${c.entity}:${c.entity_id}`)).toEqual([
      'kb_category:c1', 'kb_category:c2', 'kb_article:k1', 'kb_article:k2', 'customer:cu1', 'customer:cu2', 'customer:cu3',
      'reason_code:break', 'reason_code:meal', 'reason_code:training',
    ])
    const k1 = await server.db.selectFrom('kb_articles').select('body').where('id', '=', 'k1').executeTakeFirstOrThrow()
    expect(k1.body).toBe('<p>【业务说明】<br>月结账单于每月3日前生成。</p>\n\n<p>1. 核实身份<br>2. 查询账单 &lt;script&gt;alert(1)&lt;/script&gt; &amp; 说明</p>')
    // What the migration wrote is already inside the allow-list.
    expect(sanitizeKbHtml(k1.body).replace(/<br \/>/g, '<br>')).toBe(k1.body)
    expect((await server.db.selectFrom('customers').select('version').execute()).map((c) => c.version)).toEqual([1, 1, 1])
  })

  it('lets a desktop pull all of it', async () => {
    const socket = await agentSocket(server.url, 'agent2', PASSWORD)
    try {
      const changes = (await pullAll(socket, 3)).flatMap((p) => p.changes as SyncChange[]).filter((c) => BACKFILLED.has(c.entity))
      for (const c of changes) expect(SyncChangeSchema.safeParse(c).success).toBe(true)
      expect(changes.filter((c) => !c.deleted).map((c) => c.id)).toEqual(['c1', 'c2', 'k1', 'cu1', 'cu2', 'cu3', 'break', 'meal', 'training'])
      // agent2 lacks the skill group of k2.
      expect(changes.find((c) => c.id === 'k2')).toMatchObject({ deleted: true, data: null })
      expect(changes.find((c) => c.id === 'cu1')?.data).toMatchObject({ tags: ['宽带用户', '合约用户'], version: 1, contacts: [expect.objectContaining({ kind: 'phone' })] })
    } finally {
      socket.close()
      await new Promise((r) => setTimeout(r, 200))
    }
  })
})
