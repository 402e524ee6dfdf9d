/** Canned responses with their variables filled for one conversation. */
import type { CannedResponseRecord } from '../../../shared/domain/conversations'
import type { CannedResponseView, ConversationView } from '../../../shared/ipc/inbox-views'

export interface CannedContext {
  customerName: string
  agentName: string
  subject: string
}

const VARIABLE = /\{\{\s*([a-z]+\.[a-z]+)\s*\}\}/gi

/** Unknown variables stay as written, so the agent sees them before sending. */
export function fillCannedText(text: string, context: CannedContext): string {
  return text.replace(VARIABLE, (whole, name: string) => {
    switch (name.toLowerCase()) {
      case 'customer.name':
        return context.customerName
      case 'agent.name':
        return context.agentName
      case 'conversation.subject':
        return context.subject
      default:
        return whole
    }
  })
}

export function cannedContext(view: ConversationView | null, agentName: string): CannedContext {
  const conversation = view?.conversation
  return {
    customerName: view?.customerName ?? conversation?.identity.displayName ?? conversation?.identity.value ?? '',
    agentName,
    subject: conversation?.subject ?? '',
  }
}

/** Those for everyone and those of the agent's skill groups (or of the conversation's group). */
export function fillCannedResponses(
  records: readonly CannedResponseRecord[],
  context: CannedContext,
  skillGroupIds: readonly string[],
  conversationGroup: string | null,
): CannedResponseView[] {
  const groups = new Set(skillGroupIds)
  if (conversationGroup) groups.add(conversationGroup)
  return records
    .filter((r) => r.skillGroupId === null || groups.has(r.skillGroupId))
    .map((r) => ({ ...r, filled: fillCannedText(r.text, context) }))
}
