import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Socket } from 'socket.io-client'
import { recordChange, recordChanges } from '../../src/server/sync/change-log'
import type { Db } from '../../src/server/db/database'
import { MAX_PUSH_BATCH, SyncChangeSchema, type SyncChange, type SyncPage } from '../../src/shared/protocol/sync'
import type { CustomerRecord, InteractionRecord, KbArticleRecord } from '../../src/shared/domain/records'
import { startPostgres, type PostgresServer } from '../support/postgres'
import {
  agentSocket,
  noteOp,
  okValue,
  pullAll,
  pullPage,
  pushOps,
  signoffOp,
  startSyncCentre,
  updateOp,
  type SyncCentre,
} from '../support/sync-centre'

interface Backend {
  name: string
  start(): Promise<{ centre: SyncCentre; stop(): Promise<void> }>
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    start: async () => {
      const centre = await startSyncCentre()
      return { centre, stop: () => centre.cleanup() }
    },
  },
  {
    name: 'PostgreSQL',
    start: async () => {
      const postgres: PostgresServer = await startPostgres()
      const centre = await startSyncCentre({ databaseUrl: postgres.url })
      return {
        centre,
        stop: async () => {
          await centre.cleanup()
          await postgres.stop()
        },
      }
    },
  },
]

const changesOf = (pages: readonly SyncPage[]): SyncChange[] => pages.flatMap((p) => p.changes as SyncChange[])
const live = <E extends SyncChange['entity']>(changes: readonly SyncChange[], entity: E) =>
  changes.filter((c): c is Extract<SyncChange, { entity: E; deleted: false }> => c.entity === entity && !c.deleted)

async function count(db: Db, table: 'applied_ops' | 'interactions' | 'changes' | 'kb_signoffs'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The records as the contract says they should arrive, read straight from the tables (the test's own oracle). */
async function expectedCustomers(db: Db): Promise<Map<string, CustomerRecord>> {
  const rows = await db.selectFrom('customers').selectAll().execute()
  const contacts = await db.selectFrom('customer_contacts').selectAll().orderBy('id').execute()
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id, name: r.name, tier: r.tier, kind: r.kind, company: r.company, city: r.city, notes: r.notes,
        tags: r.tags === '' ? [] : r.tags.split(','),
        contacts: contacts.filter((c) => c.customer_id === r.id).map((c) => ({ id: c.id, kind: c.kind, value: c.value, normalized: c.normalized })),
        version: r.version, updatedAt: r.updated_at,
      },
    ]),
  )
}

async function lastSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('changes').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirstOrThrow()
  return Number(row.m ?? 0)
}

/** An agent without the skill group of some restricted article, one with it, and that article. */
async function skillSplit(db: Db): Promise<{ article: { id: string; skill_group_id: string }; without: string; withSkill: string }> {
  const restricted = await db.selectFrom('kb_articles').select(['id', 'skill_group_id']).where('skill_group_id', 'is not', null).orderBy('id').execute()
  const agents = await db.selectFrom('agents').select(['id', 'username']).where('role', '=', 'agent').orderBy('username').execute()
  const skills = await db.selectFrom('agent_skills').selectAll().execute()
  for (const article of restricted) {
    const has = (agentId: string) => skills.some((s) => s.agent_id === agentId && s.skill_group_id === article.skill_group_id)
    const without = agents.find((a) => !has(a.id))
    const withSkill = agents.find((a) => has(a.id))
    if (without && withSkill) return { article: { id: article.id, skill_group_id: article.skill_group_id as string }, without: without.username, withSkill: withSkill.username }
  }
  throw new Error('the seed has no skill split')
}

for (const backend of backends) {
  describe(`sync on the central server (${backend.name})`, () => {
    let centre: SyncCentre
    let stop: () => Promise<void>
    let db: Db
    const sockets: Socket[] = []

    beforeAll(async () => {
      ;({ centre, stop } = await backend.start())
      db = centre.server.db
    }, 120_000)
    afterAll(async () => {
      for (const s of sockets) s.close()
      // The server notes each disconnect in the database; let that finish before it closes.
      await new Promise((r) => setTimeout(r, 300))
      await stop?.()
    })

    async function connect(username: string): Promise<Socket> {
      const socket = await agentSocket(centre.server.url, username)
      sockets.push(socket)
      return socket
    }

    async function someCustomer(offset = 0): Promise<{ id: string; version: number }> {
      return db.selectFrom('customers').select(['id', 'version']).orderBy('id').offset(offset).limit(1).executeTakeFirstOrThrow()
    }

    it('pulls the whole seeded centre in pages, every change valid, equal to the data', async () => {
      const { article, without } = await skillSplit(db)
      const socket = await connect(without)
      const pages = await pullAll(socket, 97)
      const changes = changesOf(pages)
      for (const change of changes) expect(SyncChangeSchema.safeParse(change).success, JSON.stringify(change).slice(0, 200)).toBe(true)

      // Cursors advance, seqs ascend, nothing repeats, the last cursor is the newest seq.
      const seqs = changes.map((c) => c.seq)
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
      expect(new Set(seqs).size).toBe(seqs.length)
      for (let i = 1; i < pages.length; i++) expect(pages[i]!.cursor).toBeGreaterThan(pages[i - 1]!.cursor)
      expect(pages.at(-1)!.cursor).toBe(await lastSeq(db))
      expect(pages.every((p) => p.reset === false)).toBe(true)

      const customers = await expectedCustomers(db)
      expect(new Map(live(changes, 'customer').map((c) => [c.id, c.data]))).toEqual(customers)

      const interactions = await db.selectFrom('interactions').leftJoin('agents', 'agents.id', 'interactions.agent_id').select(['interactions.id', 'agents.display_name', 'interactions.summary']).execute()
      const pulledInteractions = new Map(live(changes, 'interaction').map((c) => [c.id, c.data]))
      expect(pulledInteractions.size).toBe(interactions.length)
      for (const i of interactions) expect(pulledInteractions.get(i.id)).toMatchObject({ summary: i.summary, agentName: i.display_name })

      expect(live(changes, 'kb_category')).toHaveLength(Number((await db.selectFrom('kb_categories').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n))
      expect(live(changes, 'reason_code').map((c) => c.id).sort()).toEqual((await db.selectFrom('reason_codes').select('code').execute()).map((r) => r.code).sort())

      // Articles: every one arrives; those of skill groups the agent lacks only as tombstones.
      const skills = new Set((await db.selectFrom('agent_skills').innerJoin('agents', 'agents.id', 'agent_skills.agent_id').select('skill_group_id').where('agents.username', '=', without).execute()).map((s) => s.skill_group_id))
      const articles = await db.selectFrom('kb_articles').selectAll().execute()
      const pulledArticles = changes.filter((c) => c.entity === 'kb_article')
      expect(pulledArticles).toHaveLength(articles.length)
      for (const a of articles) {
        const pulled = pulledArticles.find((c) => c.id === a.id)
        if (a.skill_group_id !== null && !skills.has(a.skill_group_id)) expect(pulled).toMatchObject({ deleted: true, data: null })
        else expect(pulled?.data).toMatchObject({ title: a.title, body: a.body, version: a.version, mandatory: a.mandatory === 1 } satisfies Partial<KbArticleRecord>)
      }
      expect(pulledArticles.find((c) => c.id === article.id)).toMatchObject({ deleted: true, data: null })
      // Bodies are restricted HTML.
      for (const a of live(changes, 'kb_article')) expect(a.data.body).toMatch(/^<(p|h4)>/)
    })

    it('sends a skill-limited article to an agent with the skill, and everything to the admin', async () => {
      const { article, withSkill } = await skillSplit(db)
      const changes = changesOf(await pullAll(await connect(withSkill), 1_000))
      expect(live(changes, 'kb_article').find((c) => c.id === article.id)?.data.skillGroupId).toBe(article.skill_group_id)
      const admin = changesOf(await pullAll(await connect('admin'), 1_000))
      expect(admin.filter((c) => c.entity === 'kb_article').every((c) => !c.deleted)).toBe(true)
    })

    it('resumes after a disconnect from the stored cursor without gaps or repeats', async () => {
      const reference = changesOf(await pullAll(await connect('agent01'), 1_000)).map((c) => c.seq)
      const first = await connect('agent01')
      const page1 = okValue(await pullPage(first, { cursor: 0, limit: 50 }))
      const page2 = okValue(await pullPage(first, { cursor: page1.cursor, limit: 50 }))
      first.disconnect()
      const stored = page2.cursor
      const rest = await pullAll(await connect('agent01'), 333, stored)
      const seqs = [...page1.changes, ...page2.changes, ...changesOf(rest)].map((c) => (c as SyncChange).seq)
      expect(seqs).toEqual(reference)
    })

    it('sends deletions as tombstones and several changes of one record in a page once, at the last seq', async () => {
      const socket = await connect('agent02')
      const start = await lastSeq(db)
      const customer = await someCustomer(3)
      const victim = await db.selectFrom('kb_articles').select('id').where('skill_group_id', 'is', null).where('mandatory', '=', 0).orderBy('id').limit(1).executeTakeFirstOrThrow()
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('customers').set({ notes: '第一次修改' }).where('id', '=', customer.id).execute()
        await recordChange(trx, 'customer', customer.id)
      })
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('kb_articles').where('id', '=', victim.id).execute()
        await recordChange(trx, 'kb_article', victim.id, true)
      })
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('reason_codes').set({ active: 0 }).where('code', '=', 'coaching').execute()
        await recordChange(trx, 'reason_code', 'coaching')
      })
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('customers').set({ notes: '第二次修改' }).where('id', '=', customer.id).execute()
        await recordChange(trx, 'customer', customer.id)
      })
      const page = okValue(await pullPage(socket, { cursor: start, limit: 100 }))
      expect(page).toMatchObject({ cursor: start + 4, latest: start + 4, hasMore: false, reset: false })
      expect(page.changes).toEqual([
        { seq: start + 2, entity: 'kb_article', id: victim.id, deleted: true, data: null },
        { seq: start + 3, entity: 'reason_code', id: 'coaching', deleted: true, data: null },
        expect.objectContaining({ seq: start + 4, entity: 'customer', id: customer.id, deleted: false, data: expect.objectContaining({ notes: '第二次修改' }) }),
      ])
      // Split across pages, the earlier change is not skipped: it goes out on the first page.
      const small = okValue(await pullPage(socket, { cursor: start, limit: 1 }))
      expect(small).toMatchObject({ cursor: start + 1, hasMore: true, changes: [expect.objectContaining({ seq: start + 1, entity: 'customer', id: customer.id })] })
    })

    it('never sends a record that breaks the contract: it goes down as a tombstone and sync moves on', async () => {
      const socket = await connect('agent02')
      const start = await lastSeq(db)
      const broken = await someCustomer(12)
      const fine = await someCustomer(13)
      await db.transaction().execute(async (trx) => {
        // Longer than CustomerRecord allows; only a direct write (an import, a migration) could do this.
        await trx.updateTable('customers').set({ notes: '很长的备注'.repeat(2_001) }).where('id', '=', broken.id).execute()
        await recordChange(trx, 'customer', broken.id)
        await recordChange(trx, 'customer', fine.id)
      })
      const page = okValue(await pullPage(socket, { cursor: start, limit: 10 }))
      expect(page.changes).toEqual([
        { seq: start + 1, entity: 'customer', id: broken.id, deleted: true, data: null },
        expect.objectContaining({ seq: start + 2, id: fine.id, deleted: false }),
      ])
      // Repaired, it comes back with the next change.
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('customers').set({ notes: '已修复' }).where('id', '=', broken.id).execute()
        await recordChange(trx, 'customer', broken.id)
      })
      const next = okValue(await pullPage(socket, { cursor: page.cursor, limit: 10 }))
      expect(next.changes).toEqual([expect.objectContaining({ id: broken.id, deleted: false, data: expect.objectContaining({ notes: '已修复' }) })])
    })

    it.runIf(backend.name === 'PostgreSQL')('makes seqs visible in order, so a pull never passes a change still being committed', async () => {
      const socket = await connect('agent02')
      const start = await lastSeq(db)
      const [first, second] = [await someCustomer(14), await someCustomer(15)]
      let release!: () => void
      const held = new Promise<void>((r) => (release = r))
      let secondDone = false
      const slow = db.transaction().execute(async (trx) => {
        await recordChange(trx, 'customer', first.id)
        await held
      })
      await new Promise((r) => setTimeout(r, 50))
      const fast = db
        .transaction()
        .execute((trx) => recordChange(trx, 'customer', second.id))
        .then(() => (secondDone = true))
      await new Promise((r) => setTimeout(r, 200))
      // The second writer waits for the first to commit instead of publishing seq+2 ahead of seq+1.
      expect(secondDone).toBe(false)
      expect(okValue(await pullPage(socket, { cursor: start, limit: 10 }))).toMatchObject({ changes: [], cursor: start })
      release()
      await Promise.all([slow, fast])
      const page = okValue(await pullPage(socket, { cursor: start, limit: 10 }))
      expect(page.changes.map((c) => [(c as SyncChange).seq, (c as SyncChange).id])).toEqual([[start + 1, first.id], [start + 2, second.id]])
    })

    it('answers a cursor from the future with reset', async () => {
      const socket = await connect('agent03')
      const latest = await lastSeq(db)
      expect(okValue(await pullPage(socket, { cursor: latest + 1_000, limit: 10 }))).toEqual({ changes: [], cursor: 0, latest, hasMore: true, reset: true })
      expect(okValue(await pullPage(socket, { cursor: latest, limit: 10 }))).toEqual({ changes: [], cursor: latest, latest, hasMore: false, reset: false })
    })

    it('refuses malformed pulls with invalid_argument', async () => {
      const socket = await connect('agent03')
      for (const payload of [
        { cursor: 0, limit: 0 }, { cursor: -1, limit: 10 }, { cursor: '0', limit: 10 }, { cursor: 0, limit: '10' },
        { cursor: 0, limit: 10_001 }, { cursor: 0, limit: 1_001 }, { cursor: 1.5, limit: 10 }, { cursor: 0 }, { cursor: 0, limit: 10, admin: true },
        null, 'all', [],
      ]) {
        const result = await pullPage(socket, payload)
        expect(result.ok, JSON.stringify(payload)).toBe(false)
        if (!result.ok) expect(result.error.code).toBe('invalid_argument')
      }
    })

    it('applies a note once, with its change, and it comes down with the author', async () => {
      const socket = await connect('agent04')
      const customer = await someCustomer(5)
      const before = await lastSeq(db)
      const op = noteOp(customer.id, '客户要求下月起账单改为邮寄纸质版，已登记。')
      expect(okValue(await pushOps(socket, [op])).results).toEqual([{ id: op.id, status: 'applied' }])
      const page = okValue(await pullPage(socket, { cursor: before, limit: 10 }))
      const note = page.changes.find((c) => (c as SyncChange).id === op.payload.noteId) as Extract<SyncChange, { entity: 'interaction'; deleted: false }>
      const author = await db.selectFrom('agents').select(['id', 'display_name']).where('username', '=', 'agent04').executeTakeFirstOrThrow()
      expect(note.data).toMatchObject({ customerId: customer.id, channel: 'note', direction: 'internal', summary: op.payload.text, agentId: author.id, agentName: author.display_name } satisfies Partial<InteractionRecord>)
      expect(await db.selectFrom('applied_ops').selectAll().where('op_id', '=', op.id).executeTakeFirst()).toMatchObject({ status: 'applied', agent_id: author.id, type: 'customer.note' })
    })

    it('applies an op sent twice in one batch and again in a later batch exactly once', async () => {
      const socket = await connect('agent05')
      const op = noteOp((await someCustomer(6)).id)
      const notesBefore = await count(db, 'interactions')
      expect(okValue(await pushOps(socket, [op, op])).results.map((r) => r.status)).toEqual(['applied', 'duplicate'])
      expect(okValue(await pushOps(socket, [op])).results).toEqual([{ id: op.id, status: 'duplicate' }])
      expect(await count(db, 'interactions')).toBe(notesBefore + 1)
      const rows = await db.selectFrom('changes').select('seq').where('entity', '=', 'interaction').where('entity_id', '=', op.payload.noteId).execute()
      expect(rows).toHaveLength(1)
    })

    it('applies each op once when two connections push the same ops at the same time', async () => {
      const customer = await someCustomer(7)
      const ops = Array.from({ length: 40 }, (_, i) => noteOp(customer.id, `并发推送测试 ${i}`))
      const opsCrossAgent = Array.from({ length: 40 }, (_, i) => noteOp(customer.id, `跨座席并发 ${i}`))
      // The same agent on two desktops, and (to reach the database's guard past the per-agent
      // queue) two agents who somehow hold the same op ids.
      const [a, b, c] = await Promise.all([connect('agent06'), connect('agent06'), connect('agent07')])
      const before = await count(db, 'interactions')
      const [ra, rb, rc, rd] = await Promise.all([pushOps(a, ops), pushOps(b, ops), pushOps(a, opsCrossAgent), pushOps(c, opsCrossAgent)])
      for (const [first, second, list] of [[ra, rb, ops], [rc, rd, opsCrossAgent]] as const) {
        const x = okValue(first).results
        const y = okValue(second).results
        list.forEach((op, i) => {
          expect([x[i]!.status, y[i]!.status].sort(), op.id).toEqual(['applied', 'duplicate'])
        })
      }
      expect(await count(db, 'interactions')).toBe(before + 80)
      const ids = [...ops, ...opsCrossAgent].map((o) => o.id)
      expect((await db.selectFrom('applied_ops').select('op_id').where('op_id', 'in', ids).execute()).length).toBe(80)
    })

    it('rejects an edit of a stale version as a conflict and remembers the answer', async () => {
      const socket = await connect('agent08')
      const customer = await someCustomer(8)
      const first = updateOp(customer.id, customer.version, { city: '杭州', tags: ['VIP专席', '投诉敏感', 'VIP专席'] })
      const stale = updateOp(customer.id, customer.version, { notes: '基于旧版本的修改' })
      const results = okValue(await pushOps(socket, [first, stale])).results
      expect(results[0]).toEqual({ id: first.id, status: 'applied' })
      expect(results[1]).toMatchObject({ id: stale.id, status: 'rejected', error: { code: 'conflict' } })
      const row = await db.selectFrom('customers').selectAll().where('id', '=', customer.id).executeTakeFirstOrThrow()
      expect(row).toMatchObject({ version: customer.version + 1, city: '杭州', tags: 'VIP专席,投诉敏感' })
      expect(row.notes).not.toBe('基于旧版本的修改')
      expect(okValue(await pushOps(socket, [stale])).results[0]).toMatchObject({ id: stale.id, status: 'duplicate', error: { code: 'conflict' } })
      // Against the current version it goes through.
      const fresh = updateOp(customer.id, customer.version + 1, { notes: '重新基于新版本修改' })
      expect(okValue(await pushOps(socket, [fresh])).results[0]!.status).toBe('applied')
      expect(okValue(await pushOps(socket, [updateOp('no-such-customer', 1, { notes: 'x' })])).results[0]).toMatchObject({ status: 'rejected', error: { code: 'not_found' } })
    })

    it('signs an article at its current version only, and only one the agent may see', async () => {
      const { article, without } = await skillSplit(db)
      const socket = await connect(without)
      const mandatory = await db.selectFrom('kb_articles').select(['id', 'version']).where('mandatory', '=', 1).orderBy('id').executeTakeFirstOrThrow()
      const stale = signoffOp(mandatory.id, mandatory.version + 1)
      const good = signoffOp(mandatory.id, mandatory.version)
      const hidden = signoffOp(article.id, 1)
      const results = okValue(await pushOps(socket, [stale, good, hidden])).results
      expect(results.map((r) => [r.status, r.error?.code])).toEqual([['rejected', 'conflict'], ['applied', undefined], ['rejected', 'not_found']])
      const agent = await db.selectFrom('agents').select('id').where('username', '=', without).executeTakeFirstOrThrow()
      expect(await db.selectFrom('kb_signoffs').selectAll().where('agent_id', '=', agent.id).execute()).toEqual([
        expect.objectContaining({ article_id: mandatory.id, version: mandatory.version }),
      ])
    })

    it("pulls only the agent's own sign-offs, and the cursor passes the others'", async () => {
      const mandatory = await db.selectFrom('kb_articles').select(['id', 'version']).where('mandatory', '=', 1).orderBy('id').limit(1).offset(1).executeTakeFirstOrThrow()
      const [signer, other] = await Promise.all([connect('agent09'), connect('agent10')])
      const before = await lastSeq(db)
      const op = signoffOp(mandatory.id, mandatory.version)
      expect(okValue(await pushOps(signer, [op])).results[0]!.status).toBe('applied')
      const signerId = (await db.selectFrom('agents').select('id').where('username', '=', 'agent09').executeTakeFirstOrThrow()).id
      const own = okValue(await pullPage(signer, { cursor: before, limit: 10 }))
      expect(own.changes).toEqual([{ seq: before + 1, entity: 'kb_signoff', id: `${signerId}:${mandatory.id}`, deleted: false, data: { id: `${signerId}:${mandatory.id}`, articleId: mandatory.id, version: mandatory.version, signedAt: expect.any(Number) } }])
      expect(okValue(await pullPage(other, { cursor: before, limit: 10 }))).toEqual({ changes: [], cursor: before + 1, latest: before + 1, hasMore: false, reset: false })
    })

    it('applies the rest of a batch around an invalid op, and refuses a batch with an op that has no id', async () => {
      const socket = await connect('agent11')
      const customer = await someCustomer(9)
      const a = noteOp(customer.id)
      const b = noteOp(customer.id)
      const bogus = { id: crypto.randomUUID(), type: 'customer.delete', payload: { customerId: customer.id }, createdAt: Date.now() }
      const badPayload = { ...noteOp(customer.id), payload: { customerId: customer.id, noteId: 'not-a-uuid', text: '' } }
      const results = okValue(await pushOps(socket, [a, bogus, badPayload, b])).results
      expect(results.map((r) => [r.id, r.status, r.error?.code])).toEqual([
        [a.id, 'applied', undefined], [bogus.id, 'rejected', 'invalid_argument'], [badPayload.id, 'rejected', 'invalid_argument'], [b.id, 'applied', undefined],
      ])

      const before = await count(db, 'applied_ops')
      const notesBefore = await count(db, 'interactions')
      for (const ops of [[noteOp(customer.id), { type: 'customer.note' }], [noteOp(customer.id), null], [{ id: 42 }], [{ id: '' }], [{ id: 'x'.repeat(65) }]]) {
        const result = await pushOps(socket, ops)
        expect(result.ok).toBe(false)
        if (!result.ok) expect(result.error.code).toBe('invalid_argument')
      }
      for (const payload of [{ ops: [] }, { ops: 'x' }, { ops: [a], extra: 1 }, null]) {
        const result = (await socket.timeout(5_000).emitWithAck('sync:push', payload)) as { ok: boolean; error?: { code: string } }
        expect(result).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
      }
      expect(await count(db, 'applied_ops')).toBe(before)
      expect(await count(db, 'interactions')).toBe(notesBefore)
    })

    it(`refuses a batch of more than ${MAX_PUSH_BATCH} ops`, async () => {
      const socket = await connect('agent12')
      const customer = await someCustomer(10)
      const before = await count(db, 'interactions')
      const result = await pushOps(socket, Array.from({ length: MAX_PUSH_BATCH + 1 }, () => noteOp(customer.id)))
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_argument' } })
      expect(await count(db, 'interactions')).toBe(before)
      const full = okValue(await pushOps(socket, Array.from({ length: MAX_PUSH_BATCH }, () => noteOp(customer.id))))
      expect(full.results.every((r) => r.status === 'applied')).toBe(true)
    })

    it('sets the agent state through an op, once', async () => {
      const socket = await connect('agent13')
      const op = { id: crypto.randomUUID(), type: 'agentState.set', payload: { state: 'not_ready', reasonCode: 'meal' }, createdAt: Date.now() }
      const wrong = { id: crypto.randomUUID(), type: 'agentState.set', payload: { state: 'not_ready', reasonCode: 'nap' }, createdAt: Date.now() }
      const results = okValue(await pushOps(socket, [op, op, wrong])).results
      expect(results.map((r) => [r.status, r.error?.code])).toEqual([['applied', undefined], ['duplicate', undefined], ['rejected', 'invalid_argument']])
      const agent = await db.selectFrom('agents').select('id').where('username', '=', 'agent13').executeTakeFirstOrThrow()
      const log = await db.selectFrom('agent_state_log').selectAll().where('agent_id', '=', agent.id).where('reason_code', '=', 'meal').execute()
      expect(log).toHaveLength(1)
    })

    it('tells every other connected desktop to pull, once per batch', async () => {
      const [pusher, listener] = await Promise.all([connect('agent14'), connect('agent15')])
      const notices: number[] = []
      listener.on('sync:changed', (n: { latest: number }) => notices.push(n.latest))
      const customer = await someCustomer(11)
      okValue(await pushOps(pusher, Array.from({ length: 30 }, () => noteOp(customer.id))))
      const latest = await lastSeq(db)
      await expect.poll(() => notices.at(-1), { timeout: 3_000 }).toBe(latest)
      await new Promise((r) => setTimeout(r, 200))
      expect(notices).toEqual([latest])
      // A batch that changes nothing says nothing.
      okValue(await pushOps(pusher, [{ id: crypto.randomUUID(), type: 'nope' }]))
      await new Promise((r) => setTimeout(r, 200))
      expect(notices).toEqual([latest])
    })

    // How fast is the bench's business; this checks a big backlog arrives whole.
    it('pulls a backlog of 20,000 changes in full pages, none lost', async () => {
      const agentIds = (await db.selectFrom('agents').select('id').where('role', '=', 'agent').execute()).map((a) => a.id)
      const customers = (await db.selectFrom('customers').select('id').execute()).map((c) => c.id)
      const total = 20_000
      const start = await lastSeq(db)
      await db.transaction().execute(async (trx) => {
        const rows = Array.from({ length: total }, (_, i) => ({
          id: `bulk-${backend.name}-${i}`, customer_id: customers[i % customers.length]!, channel: 'phone' as const, direction: 'in' as const,
          summary: `客户来电咨询第${i}号问题，已解答。`, agent_id: agentIds[i % agentIds.length]!, at: Date.now() - i * 1_000,
        }))
        for (let i = 0; i < rows.length; i += 500) await trx.insertInto('interactions').values(rows.slice(i, i + 500)).execute()
        await recordChanges(trx, 'interaction', rows.map((r) => r.id))
      })
      const socket = await connect('agent16')
      const started = performance.now()
      const pages = await pullAll(socket, 1_000, start)
      const seconds = (performance.now() - started) / 1000
      const pulled = changesOf(pages).length
      expect(pulled).toBe(total)
      expect(new Set(changesOf(pages).map((c) => c.id)).size).toBe(total)
      console.log(`[sync pull ${backend.name}] ${total} changes in ${pages.length} pages of 1000: ${(seconds * 1000).toFixed(0)} ms`)
    })
  })
}
