import { Migrator, type Migration } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startCentralServer, type CentralServer } from '../../src/server/app'
import { openDatabase } from '../../src/server/db/database'
import { migrateToLatest } from '../../src/server/db/migrate'
import * as m001 from '../../src/server/db/migrations/001-initial'
import * as m002 from '../../src/server/db/migrations/002-sync'
import * as m003 from '../../src/server/db/migrations/003-inbox'
import { KbArticleHistorySchema } from '../../src/shared/protocol/kb-api'
import { PASSWORD, seedMiniCentre } from '../support/mini-centre'
import { accessToken } from '../support/sync-centre'

let dir: string
let server: CentralServer
let migrated: string[]

/** A centre that ran before migration 004: articles with versions but no history table. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'omni-kb-migrate-'))
  const file = join(dir, 'server.sqlite')
  const db = openDatabase(file)
  const before004: Record<string, Migration> = { '001-initial': m001, '002-sync': m002, '003-inbox': m003 }
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => before004 } }).migrateToLatest()
  if (error) throw error
  await seedMiniCentre(db)
  const at = Date.UTC(2025, 2, 1)
  await db.insertInto('kb_categories').values({ id: 'c1', name: '话费与账单', parent_id: null, sort: 1 }).execute()
  await db
    .insertInto('kb_articles')
    .values({ id: 'k1', category_id: 'c1', title: '账单查询', body: '<p>第三版正文</p>', tags: '账单', mandatory: 1, skill_group_id: null, version: 3, created_at: at, updated_at: at })
    .execute()
  migrated = await migrateToLatest(db)
  await db.destroy()
  server = await startCentralServer({ databaseUrl: file, port: 0, logLevel: 'silent' })
})
afterAll(async () => {
  await server?.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('migration 004 on a running centre', () => {
  it('backfills each article’s current version and the centre settings with their change-log rows', async () => {
    expect(migrated[0]).toBe('004-kb')
    const versions = await server.db.selectFrom('kb_article_versions').selectAll().execute()
    expect(versions).toEqual([{ article_id: 'k1', version: 3, title: '账单查询', body: '<p>第三版正文</p>', tags: '账单', edited_by: null, at: Date.UTC(2025, 2, 1) }])
    const settings = await server.db.selectFrom('centre_settings').select(['key', 'value']).orderBy('key').execute()
    expect(settings).toEqual([
      { key: 'acw.durationSec', value: '60' },
      { key: 'inbox.offerTimeoutSec', value: '30' },
      { key: 'recording.policy', value: '"all"' },
    ])
    const logged = await server.db.selectFrom('changes').select('entity_id').where('entity', '=', 'setting').orderBy('entity_id').execute()
    expect(logged.map((r) => r.entity_id)).toEqual(['centre:acw.durationSec', 'centre:inbox.offerTimeoutSec', 'centre:recording.policy'])
  })

  it('the next edit keeps the backfilled version in the history', async () => {
    const admin = await accessToken(server.url, 'admin', PASSWORD)
    const res = await fetch(`${server.url}/api/kb/articles/k1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ baseVersion: 3, title: '账单查询', body: '<p>第四版正文</p>', tags: ['账单'], mandatory: true, categoryId: 'c1' }),
    })
    expect(res.status).toBe(200)
    const agent = await accessToken(server.url, 'agent1', PASSWORD)
    const history = KbArticleHistorySchema.parse(await (await fetch(`${server.url}/api/kb/articles/k1/versions`, { headers: { authorization: `Bearer ${agent}` } })).json())
    expect(history.versions.map((v) => [v.version, v.body, v.editedBy?.id ?? null])).toEqual([
      [4, '<p>第四版正文</p>', 'ad'],
      [3, '<p>第三版正文</p>', null],
    ])
  })
})
