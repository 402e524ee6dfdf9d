import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { AppError } from '../../shared/errors'
import { centreSettingId, centreSettingSchemas, isCentreSettingKey } from '../../shared/domain/settings'
import { CentreSettingUpdateSchema } from '../../shared/protocol/kb-api'
import { parseOrThrow } from '../../shared/validation'
import type { AccessTokens } from '../auth/tokens'
import type { Db } from '../db/database'
import { authenticate, authenticateAdmin } from '../http/bearer'
import { recordChange } from '../sync/change-log'
import type { SyncNotifier } from '../sync/sync-notifier'
import { readCentreSettings } from './setting-records'

export interface SettingsRouteDeps {
  db: Db
  tokens: AccessTokens
  notifier: SyncNotifier
  now?: () => number
}

const KeyParamsSchema = z.object({ key: z.string().min(1).max(64) }).strict()

/** Centre-wide settings: anyone signed in reads them, administrators change them; desktops get them by sync. */
export function registerSettingsRoutes(app: FastifyInstance, deps: SettingsRouteDeps): void {
  const now = deps.now ?? Date.now

  app.get('/api/settings', async (request) => {
    await authenticate(deps.tokens, request)
    return readCentreSettings(deps.db)
  })

  app.put('/api/settings/:key', async (request) => {
    const claims = await authenticateAdmin(deps.tokens, request)
    const { key } = parseOrThrow(KeyParamsSchema, request.params, 'setting key')
    if (!isCentreSettingKey(key)) throw new AppError('not_found', `No centre setting ${key.slice(0, 64)}`)
    const { value: raw } = parseOrThrow(CentreSettingUpdateSchema, request.body, 'setting')
    const value = parseOrThrow(centreSettingSchemas[key], raw, `value of ${key}`)
    const at = now()
    const stored = JSON.stringify(value)
    await deps.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('centre_settings')
        .values({ key, value: stored, updated_by: claims.agentId, updated_at: at })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: stored, updated_by: claims.agentId, updated_at: at }))
        .execute()
      await recordChange(trx, 'setting', centreSettingId(key), false, at)
    })
    deps.notifier.changed()
    return { key, value }
  })
}
