/**
 * The administrator's routing settings (agent Bearer token, role admin):
 *
 *   GET  /api/admin/routing                              skill groups (with VIP flag), SLA policies, canned responses
 *   PUT  /api/admin/skill-groups/:id/vip                 {vip}            VIP tiers go to VIP groups' agents first
 *   PUT  /api/admin/customers/:id/dedicated-agent        {agentId|null}   a VIP customer's own agent (VIP受理专席)
 *   PUT  /api/admin/sla/:channel/:priority               {firstResponseMs, resolutionMs}
 *   PUT  /api/admin/canned-responses/:id                 {shortcut, title, text, skillGroupId|null, active}
 *
 * Canned responses are synced records: a change is logged so every desktop's composer follows.
 */
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { ConversationChannelSchema } from '../../shared/domain/conversations'
import { AppError } from '../../shared/errors'
import { parseOrThrow } from '../../shared/validation'
import type { AccessTokens } from '../auth/tokens'
import type { Database } from '../db/schema'
import { authenticateAdmin } from '../http/bearer'
import { recordChange } from '../sync/change-log'
import type { SyncNotifier } from '../sync/sync-notifier'
import type { Router } from './router'

export interface RoutingAdminDeps {
  db: Kysely<Database>
  tokens: AccessTokens
  notifier: SyncNotifier
  router: Router
}

const IdParams = z.object({ id: z.string().min(1).max(64) }).strict()
const SlaParams = z.object({ channel: ConversationChannelSchema, priority: z.coerce.number().int().min(1).max(5) }).strict()
const VipBody = z.object({ vip: z.boolean() }).strict()
const DedicatedBody = z.object({ agentId: z.string().min(1).max(64).nullable() }).strict()
const MINUTE = 60_000
const SlaBody = z
  .object({
    firstResponseMs: z.number().int().min(10_000).max(30 * 24 * 60 * MINUTE),
    resolutionMs: z.number().int().min(MINUTE).max(90 * 24 * 60 * MINUTE),
  })
  .strict()
  .refine((b) => b.resolutionMs >= b.firstResponseMs, { message: 'Resolution cannot be due before the first response' })
const CannedBody = z
  .object({
    shortcut: z.string().trim().min(1).max(32).regex(/^[\p{L}\p{N}_-]+$/u, 'Letters, digits, - and _ only'),
    title: z.string().trim().min(1).max(100),
    text: z.string().trim().min(1).max(5_000),
    skillGroupId: z.string().min(1).max(64).nullable(),
    active: z.boolean().default(true),
  })
  .strict()

export function registerRoutingAdminRoutes(app: FastifyInstance, deps: RoutingAdminDeps): void {
  const { db, tokens } = deps

  app.get('/api/admin/routing', async (request) => {
    await authenticateAdmin(tokens, request)
    const [skillGroups, sla, canned] = await Promise.all([
      db.selectFrom('skill_groups').select(['id', 'name', 'vip']).orderBy('name').execute(),
      db.selectFrom('sla_policies').selectAll().orderBy('channel').orderBy('priority').execute(),
      db.selectFrom('canned_responses').selectAll().orderBy('shortcut').execute(),
    ])
    return {
      skillGroups: skillGroups.map((g) => ({ id: g.id, name: g.name, vip: g.vip === 1 })),
      sla: sla.map((p) => ({ channel: p.channel, priority: p.priority, firstResponseMs: Number(p.first_response_ms), resolutionMs: Number(p.resolution_ms) })),
      cannedResponses: canned.map((c) => ({ id: c.id, shortcut: c.shortcut, title: c.title, text: c.text, skillGroupId: c.skill_group_id, active: c.active === 1 })),
    }
  })

  app.put('/api/admin/skill-groups/:id/vip', async (request) => {
    await authenticateAdmin(tokens, request)
    const { id } = parseOrThrow(IdParams, request.params, 'skill group')
    const { vip } = parseOrThrow(VipBody, request.body, 'VIP flag')
    const result = await db.updateTable('skill_groups').set({ vip: vip ? 1 : 0 }).where('id', '=', id).executeTakeFirst()
    if (Number(result.numUpdatedRows) === 0) throw new AppError('not_found', 'No such skill group')
    void deps.router.kick()
    return { id, vip }
  })

  app.put('/api/admin/customers/:id/dedicated-agent', async (request) => {
    await authenticateAdmin(tokens, request)
    const { id } = parseOrThrow(IdParams, request.params, 'customer')
    const { agentId } = parseOrThrow(DedicatedBody, request.body, 'dedicated agent')
    if (agentId !== null) {
      const agent = await db.selectFrom('agents').select(['id', 'disabled']).where('id', '=', agentId).executeTakeFirst()
      if (!agent || agent.disabled !== 0) throw new AppError('not_found', 'No such agent')
    }
    const result = await db.updateTable('customers').set({ dedicated_agent_id: agentId }).where('id', '=', id).executeTakeFirst()
    if (Number(result.numUpdatedRows) === 0) throw new AppError('not_found', 'No such customer')
    void deps.router.kick()
    return { id, agentId }
  })

  app.put('/api/admin/sla/:channel/:priority', async (request) => {
    await authenticateAdmin(tokens, request)
    const { channel, priority } = parseOrThrow(SlaParams, request.params, 'SLA policy')
    const body = parseOrThrow(SlaBody, request.body, 'SLA policy')
    const values = { first_response_ms: body.firstResponseMs, resolution_ms: body.resolutionMs }
    await db
      .insertInto('sla_policies')
      .values({ channel, priority, ...values })
      .onConflict((oc) => oc.columns(['channel', 'priority']).doUpdateSet(values))
      .execute()
    // New conversations get the new deadlines; running ones keep the promise they were given.
    return { channel, priority, ...body }
  })

  app.put('/api/admin/canned-responses/:id', async (request) => {
    await authenticateAdmin(tokens, request)
    const { id } = parseOrThrow(IdParams, request.params, 'canned response')
    const body = parseOrThrow(CannedBody, request.body, 'canned response')
    if (body.skillGroupId !== null) {
      const group = await db.selectFrom('skill_groups').select('id').where('id', '=', body.skillGroupId).executeTakeFirst()
      if (!group) throw new AppError('not_found', 'No such skill group')
    }
    const values = { shortcut: body.shortcut, title: body.title, text: body.text, skill_group_id: body.skillGroupId, active: body.active ? 1 : 0 }
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('canned_responses')
        .values({ id, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute()
      await recordChange(trx, 'canned_response', id)
    })
    deps.notifier.changed()
    return { id, ...body }
  })
}
