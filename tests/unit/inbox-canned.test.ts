/** Canned responses: variables filled per conversation, and which responses an agent gets. */
import { describe, expect, it } from 'vitest'
import { fillCannedResponses, fillCannedText } from '../../src/main/services/workspace/inbox-canned'
import type { CannedResponseRecord } from '../../src/shared/domain/conversations'

const context = { customerName: '赵钻石', agentName: '王芳', subject: '宽带断网' }

describe('canned responses', () => {
  it('fills customer, agent and subject, with spaces or any case, and leaves unknown variables visible', () => {
    expect(fillCannedText('{{customer.name}}您好，我是{{ agent.name }}，关于「{{Conversation.Subject}}」', context)).toBe('赵钻石您好，我是王芳，关于「宽带断网」')
    expect(fillCannedText('工单号 {{ticket.id}}', context)).toBe('工单号 {{ticket.id}}')
    expect(fillCannedText('没有变量', context)).toBe('没有变量')
  })

  it('does not treat a filled value as a template again', () => {
    expect(fillCannedText('{{customer.name}}', { ...context, customerName: '{{agent.name}}' })).toBe('{{agent.name}}')
  })

  it('offers shared responses, those of my skill groups and those of the conversation’s group', () => {
    const records: CannedResponseRecord[] = [
      { id: 'a', shortcut: 'hi', title: '', text: 'x', skillGroupId: null },
      { id: 'b', shortcut: 'bill', title: '', text: 'x', skillGroupId: 's1' },
      { id: 'c', shortcut: 'net', title: '', text: 'x', skillGroupId: 's2' },
      { id: 'd', shortcut: 'vip', title: '', text: 'x', skillGroupId: 's3' },
    ]
    expect(fillCannedResponses(records, context, ['s1'], 's2').map((r) => r.id)).toEqual(['a', 'b', 'c'])
    expect(fillCannedResponses(records, context, [], null).map((r) => r.id)).toEqual(['a'])
  })
})
