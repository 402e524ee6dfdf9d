import type { Kysely } from 'kysely'
import type { Role } from '../../shared/domain/agent'
import type { Database } from '../db/schema'

/** Who is pulling or pushing, with what decides which KB articles they may see. */
export interface SyncViewer {
  agentId: string
  skillGroupIds: ReadonlySet<string>
  /** Administrators maintain the KB, so every article reaches their desktop. */
  seesAllKb: boolean
}

/** Read per request, so a change of an agent's skills takes effect on their next pull. */
export async function loadViewer(db: Kysely<Database>, agent: { agentId: string; role: Role }): Promise<SyncViewer> {
  const rows = await db.selectFrom('agent_skills').select('skill_group_id').where('agent_id', '=', agent.agentId).execute()
  return { agentId: agent.agentId, skillGroupIds: new Set(rows.map((r) => r.skill_group_id)), seesAllKb: agent.role === 'admin' }
}

export function canSeeArticle(viewer: SyncViewer, skillGroupId: string | null): boolean {
  return skillGroupId === null || viewer.seesAllKb || viewer.skillGroupIds.has(skillGroupId)
}
