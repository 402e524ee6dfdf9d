import type { Kysely } from 'kysely'
import type { Role } from '../../shared/domain/agent'
import type { Database } from '../db/schema'
import { SUPERVISORS, agentScope, skillScope } from '../inbox/conversation-scopes'
import { EVERYONE } from './change-log'

/** Who is pulling or pushing, with what decides which KB articles they may see. */
export interface SyncViewer {
  agentId: string
  skillGroupIds: ReadonlySet<string>
  /** Administrators maintain the KB, so every article reaches their desktop. */
  seesAllKb: boolean
  role: Role
  teamId: string | null
}

/** Read per request, so a change of an agent's skills takes effect on their next pull. */
export async function loadViewer(db: Kysely<Database>, agent: { agentId: string; role: Role }): Promise<SyncViewer> {
  const [rows, self] = await Promise.all([
    db.selectFrom('agent_skills').select('skill_group_id').where('agent_id', '=', agent.agentId).execute(),
    db.selectFrom('agents').select('team_id').where('id', '=', agent.agentId).executeTakeFirst(),
  ])
  return {
    agentId: agent.agentId,
    skillGroupIds: new Set(rows.map((r) => r.skill_group_id)),
    seesAllKb: agent.role === 'admin',
    role: agent.role,
    teamId: self?.team_id ?? null,
  }
}

/** The change-log scopes this viewer pulls: everyone's, their own, their skill groups' queues, and supervisors'. */
export function viewerScopes(viewer: Pick<SyncViewer, 'agentId' | 'role' | 'skillGroupIds'>): string[] {
  const scopes = [EVERYONE, agentScope(viewer.agentId), ...[...viewer.skillGroupIds].map(skillScope)]
  if (viewer.role === 'lead' || viewer.role === 'admin') scopes.push(SUPERVISORS)
  return scopes
}

export function canSeeArticle(viewer: SyncViewer, skillGroupId: string | null): boolean {
  return skillGroupId === null || viewer.seesAllKb || viewer.skillGroupIds.has(skillGroupId)
}

/**
 * Which conversations reach a desktop: an agent's own and those offered to them, plus what waits in
 * the queues of their skill groups. Leads and admins see every conversation: they watch the queues
 * and reassign work across teams. conversationScopes() must reach at least these desktops.
 */
export function canSeeConversation(viewer: SyncViewer, conversation: { assignedAgentId: string | null; status: string; skillGroupId: string }): boolean {
  if (viewer.role === 'admin' || viewer.role === 'lead') return true
  if (conversation.assignedAgentId === viewer.agentId) return true
  return conversation.status === 'queued' && viewer.skillGroupIds.has(conversation.skillGroupId)
}
