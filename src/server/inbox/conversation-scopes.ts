import type { ConversationsTable } from '../db/schema'

/**
 * The change-log scopes of a conversation (see migration 003): who must hear of its changes.
 * Leads and admins ('sup') always; the agent who has it or is offered it; while it waits in a
 * queue, everyone with that skill (the conversation record only, not its messages: see ChangeSet).
 */
export function conversationScopes(row: Pick<ConversationsTable, 'assigned_agent_id' | 'status' | 'skill_group_id'>): string[] {
  const scopes = [SUPERVISORS]
  if (row.assigned_agent_id) scopes.push(agentScope(row.assigned_agent_id))
  if (row.status === 'queued') scopes.push(skillScope(row.skill_group_id))
  return scopes
}

export const SUPERVISORS = 'sup'
export const agentScope = (agentId: string): string => `agent:${agentId}`
export const SKILL_PREFIX = 'skill:'
export const skillScope = (skillGroupId: string): string => `${SKILL_PREFIX}${skillGroupId}`
