import { agentSettingId } from '../../shared/domain/settings'
import { agentScope } from '../inbox/conversation-scopes'
import { recordChange } from '../sync/change-log'
import { applied, type OpContext, type OpOutcome, type PayloadOf } from '../sync/operations/op-outcome'

/**
 * `settings.set`: one of the agent's own preferences. The payload was checked against the key's
 * schema already (OperationSchema). The last write wins: a preference has no version to conflict
 * on, and the agent's newest choice is what they want on every desktop.
 */
export async function applySettingsSet({ trx, viewer, now }: OpContext, payload: PayloadOf<'settings.set'>): Promise<OpOutcome> {
  const value = JSON.stringify(payload.value)
  const current = await trx
    .selectFrom('agent_settings')
    .select('value')
    .where('agent_id', '=', viewer.agentId)
    .where('key', '=', payload.key)
    .executeTakeFirst()
  // The same value again changes nothing, so no desktop has to pull it.
  if (current?.value === value) return applied(false)
  await trx
    .insertInto('agent_settings')
    .values({ agent_id: viewer.agentId, key: payload.key, value, updated_at: now })
    .onConflict((oc) => oc.columns(['agent_id', 'key']).doUpdateSet({ value, updated_at: now }))
    .execute()
  // Only this agent's desktops read the change (and are told of it).
  const scope = agentScope(viewer.agentId)
  await recordChange(trx, 'setting', agentSettingId(viewer.agentId, payload.key), false, now, [scope])
  return applied(true, new Set([scope]))
}
