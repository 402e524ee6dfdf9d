import { describe, expect, it } from 'vitest'
import { diffText, hasChanges, tokenize } from '../../src/shared/text/text-diff'

const render = (before: string, after: string) =>
  diffText(before, after)
    .map((p) => (p.kind === 'same' ? p.text : p.kind === 'added' ? `[+${p.text}]` : `[-${p.text}]`))
    .join('')

describe('text diff for KB versions', () => {
  it('splits Chinese into characters and other text into words with their spacing', () => {
    expect(tokenize('退款 refund 3天')).toEqual(['退', '款', ' ', 'refund', ' ', '3', '天'])
  })

  it('marks the characters a Chinese edit touched', () => {
    expect(render('客户来电要求退款，先核实身份。', '客户来电要求退费，先核实身份和订单。')).toBe('客户来电要求退[-款][+费]，先核实身份[+和订单]。')
  })

  it('marks whole English words', () => {
    expect(render('Refunds reach the original card.', 'Refunds reach the original payment method.')).toBe('Refunds reach the original [-card][+payment method].')
  })

  it('puts back exactly the new text and exactly the old text', () => {
    const before = '第一条：不得泄露客户信息。\n第二条：通话需礼貌。'
    const after = '第一条：严禁泄露客户信息。\n第二条：通话需礼貌，结束前确认问题已解决。\n第三条：新增。'
    const parts = diffText(before, after)
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(after)
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe(before)
  })

  it('handles empty and identical texts', () => {
    expect(diffText('', '')).toEqual([])
    expect(render('', '新')).toBe('[+新]')
    expect(render('旧', '')).toBe('[-旧]')
    expect(hasChanges(diffText('同样', '同样'))).toBe(false)
  })

  it('falls back to lines for very long texts and stays correct', () => {
    const line = (n: number) => `第${n}行：${'内容'.repeat(20)}\n`
    const before = Array.from({ length: 300 }, (_, n) => line(n)).join('')
    const after = before.replace(line(150), '第150行：改过了\n')
    const parts = diffText(before, after)
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe(after)
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe(before)
    expect(parts.filter((p) => p.kind !== 'same').length).toBeLessThanOrEqual(2)
  })
})
