/**
 * The administrator's HTTP interface to the chat widgets (agent Bearer token, role admin):
 *
 *   GET /api/admin/webchat/sites        every site, with the embed line to paste into the website
 *   PUT /api/admin/webchat/sites/:key   create or change one: {name, allowedOrigin, skillGroupId, welcome?, enabled?}
 *
 * A site is switched off with `enabled: false` (its conversations stay).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { AppError } from '../../../shared/errors'
import { WebchatSiteInputSchema, WebchatSiteKeySchema, type WebchatSiteView } from '../../../shared/protocol/visitor-socket'
import { parseOrThrow } from '../../../shared/validation'
import type { AccessTokens } from '../../auth/tokens'
import type { Database, WebchatSitesTable } from '../../db/schema'
import { authenticateAdmin } from '../../http/bearer'

export interface WebchatAdminDeps {
  db: Kysely<Database>
  tokens: AccessTokens
  now?: () => number
}

export function registerWebchatAdminRoutes(app: FastifyInstance, deps: WebchatAdminDeps): void {
  const now = deps.now ?? Date.now

  app.get('/api/admin/webchat/sites', async (request) => {
    await authenticateAdmin(deps.tokens, request)
    const rows = await deps.db.selectFrom('webchat_sites').selectAll().orderBy('site_key').execute()
    return rows.map((row) => toView(row, serverOrigin(request)))
  })

  app.put('/api/admin/webchat/sites/:key', async (request) => {
    await authenticateAdmin(deps.tokens, request)
    const key = parseOrThrow(WebchatSiteKeySchema, (request.params as { key?: unknown }).key, 'site key')
    const input = parseOrThrow(WebchatSiteInputSchema, request.body, 'chat site')
    if (input.skillGroupId !== null) {
      const group = await deps.db.selectFrom('skill_groups').select('id').where('id', '=', input.skillGroupId).executeTakeFirst()
      if (!group) throw new AppError('invalid_argument', 'No such skill group', { field: 'skillGroupId' })
    }
    const at = now()
    const values = { name: input.name, allowed_origin: input.allowedOrigin, skill_group_id: input.skillGroupId, welcome_text: input.welcome, enabled: input.enabled ? 1 : 0, updated_at: at }
    await deps.db
      .insertInto('webchat_sites')
      .values({ site_key: key, ...values, created_at: at })
      .onConflict((oc) => oc.column('site_key').doUpdateSet(values))
      .execute()
    const row = await deps.db.selectFrom('webchat_sites').selectAll().where('site_key', '=', key).executeTakeFirstOrThrow()
    return toView(row, serverOrigin(request))
  })
}

/** Where visitors reach this server, as the admin does (the snippet must point back here). */
function serverOrigin(request: FastifyRequest): string {
  const host = /^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(request.headers.host ?? '') ? request.headers.host : '127.0.0.1'
  return `${request.protocol}://${host}`
}

function toView(row: WebchatSitesTable, origin: string): WebchatSiteView {
  return {
    key: row.site_key,
    name: row.name,
    allowedOrigin: row.allowed_origin,
    skillGroupId: row.skill_group_id,
    welcome: row.welcome_text,
    enabled: row.enabled === 1,
    embedSnippet: `<script src="${origin}/chat/embed.js" data-site="${row.site_key}" async></script>`,
    updatedAt: Number(row.updated_at),
  }
}
