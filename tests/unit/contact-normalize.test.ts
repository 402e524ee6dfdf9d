import { describe, expect, it } from 'vitest'
import {
  normalizeContact,
  normalizeEmail,
  normalizePhone,
  normalizeQq,
} from '../../src/shared/domain/contact-normalize'

describe('normalizePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['86-13812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['008613812345678', '13812345678'],
    ['(+86) 13812345678', '13812345678'],
    ['  13812345678  ', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['＋８６ １３８ １２３４ ５６７８', '13812345678'],
  ])('mobile %j → %s', (typed, expected) => {
    expect(normalizePhone(typed)).toBe(expected)
  })

  it.each([
    ['010-62345678', '01062345678'],
    ['(010)62345678', '01062345678'],
    ['010 6234 5678', '01062345678'],
    ['0755 8888 1234', '075588881234'],
    ['0755-88881234', '075588881234'],
    ['+86 10 6234 5678', '01062345678'],
    ['+86 755 8888 1234', '075588881234'],
    ['0086-755-88881234', '075588881234'],
    ['+86 (0)10 6234 5678', '01062345678'],
  ])('landline %j → %s (trunk 0 kept, so both spellings match)', (typed, expected) => {
    expect(normalizePhone(typed)).toBe(expected)
  })

  it.each([
    ['010-62345678转8001', '01062345678'],
    ['010-62345678 转 8001', '01062345678'],
    ['0755 8888 1234 ext. 12', '075588881234'],
    ['010-62345678#123', '01062345678'],
  ])('drops the extension from %j', (typed, expected) => {
    expect(normalizePhone(typed)).toBe(expected)
  })

  it('keeps short service numbers and 8-digit local numbers as dialled', () => {
    expect(normalizePhone('10086')).toBe('10086')
    expect(normalizePhone('95598')).toBe('95598')
    // A local number may itself start with 86; that is not a country code.
    expect(normalizePhone('86123456')).toBe('86123456')
  })

  it('writes foreign numbers with the international prefix 00', () => {
    expect(normalizePhone('+1 415 555 0100')).toBe('0014155550100')
    expect(normalizePhone('+852 2345 6789')).toBe('00852' + '23456789')
  })

  it.each([
    [''],
    ['   '],
    ['abc'],
    ['1381234567a'],
    ['call me'],
    ['13812345678; DROP TABLE customers'],
    ['+86'],
    ['12'],
    ['++8613812345678'],
    ['138+12345678'],
    ['1'.repeat(21)],
    ['1'.repeat(10_000)],
    ['📞13812345678'],
    ['<script>13812345678</script>'],
  ])('rejects %j', (typed) => {
    expect(normalizePhone(typed)).toBeNull()
  })

  it('returns only digits for anything it accepts', () => {
    for (const typed of ['+86 138 1234 5678', '(010)62345678', '0755 8888 1234', '+1 415 555 0100']) {
      expect(normalizePhone(typed)).toMatch(/^\d+$/)
    }
  })
})

describe('normalizeEmail', () => {
  it.each([
    ['zhangwei@163.com', 'zhangwei@163.com'],
    ['  ZhangWei@163.COM ', 'zhangwei@163.com'],
    ['LI.NA@QQ.COM', 'li.na@qq.com'],
    ['mailto:service@hengtong.com.cn', 'service@hengtong.com.cn'],
    ['wang＠163.com', 'wang@163.com'],
    ['12345678@qq.com', '12345678@qq.com'],
  ])('%j → %s', (typed, expected) => {
    expect(normalizeEmail(typed)).toBe(expected)
  })

  it.each([
    [''],
    ['   '],
    ['zhangwei'],
    ['zhangwei@'],
    ['@163.com'],
    ['zhang wei@163.com'],
    ['zhang@@163.com'],
    ['zhang@163'],
    ['zhang@163.'],
    ['"Robert\'); DROP TABLE agents;--"@x.com'],
    [`${'a'.repeat(250)}@163.com`],
    ['a@b.c'.repeat(1000)],
  ])('rejects %j', (typed) => {
    expect(normalizeEmail(typed)).toBeNull()
  })
})

describe('normalizeQq', () => {
  it.each([
    ['12345678', '12345678'],
    [' 12345678 ', '12345678'],
    ['QQ:12345678', '12345678'],
    ['qq：12345678', '12345678'],
    ['QQ 12345678', '12345678'],
    ['QQ号 12345678', '12345678'],
    ['１２３４５６７８', '12345678'],
    ['10001', '10001'],
    ['12345678901', '12345678901'],
  ])('%j → %s', (typed, expected) => {
    expect(normalizeQq(typed)).toBe(expected)
  })

  it.each([
    [''],
    ['qq'],
    ['1234'],
    ['123456789012'],
    ['01234567'],
    ['12345abc'],
    ['abc'],
    ['12345678@qq.com'],
    ['9'.repeat(1000)],
  ])('rejects %j', (typed) => {
    expect(normalizeQq(typed)).toBeNull()
  })
})

describe('normalizeContact', () => {
  it('dispatches on the kind', () => {
    expect(normalizeContact('phone', '+86 138 1234 5678')).toBe('13812345678')
    expect(normalizeContact('email', ' A@B.CN ')).toBe('a@b.cn')
    expect(normalizeContact('qq', 'QQ:10001')).toBe('10001')
  })

  it('treats the same text differently per kind', () => {
    expect(normalizeContact('qq', '13812345678')).toBe('13812345678')
    expect(normalizeContact('email', '13812345678')).toBeNull()
  })

  it('is idempotent: a normalised value normalises to itself', () => {
    for (const [kind, typed] of [
      ['phone', '+86 10 6234 5678'],
      ['phone', '0755 8888 1234'],
      ['phone', '+1 415 555 0100'],
      ['email', ' Li.Na@QQ.com '],
      ['qq', 'QQ: 2850796843'],
    ] as const) {
      const once = normalizeContact(kind, typed)
      expect(once).not.toBeNull()
      expect(normalizeContact(kind, once as string)).toBe(once)
    }
  })
})
