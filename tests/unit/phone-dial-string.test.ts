import { describe, expect, it } from 'vitest'
import { normalizeDialString, numberFromSipUri } from '../../src/shared/domain/phone'

describe('dial strings', () => {
  it.each([
    ['138 0013 8000', '13800138000'],
    ['138-0013-8000', '13800138000'],
    ['+86 138 0013 8000', '13800138000'],
    ['+86 10 6234 5678', '01062345678'],
    ['(010) 6234-5678', '01062345678'],
    ['+1 415 555 0100', '0014155550100'],
    ['８００２', '8002'],
    ['10086', '10086'],
    ['*72#', '*72#'],
  ])('%s dials %s', (typed, dialled) => {
    expect(normalizeDialString(typed)).toBe(dialled)
  })

  it.each(['138-CALL-NOW', 'abc', '', '   ', '+', '1'.repeat(40), '8002; drop table', 'sip:8002@x', '<8002>'])('refuses %j', (typed) => {
    expect(normalizeDialString(typed)).toBeNull()
  })

  it('takes the number out of a SIP URI', () => {
    expect(numberFromSipUri('sip:13800138000@sip.omni.test')).toBe('13800138000')
    expect(numberFromSipUri('sips:8002@pbx;transport=ws')).toBe('8002')
    expect(numberFromSipUri('8003')).toBe('8003')
  })
})
