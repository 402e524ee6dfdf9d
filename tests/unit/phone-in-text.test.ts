import { describe, expect, it } from 'vitest'
import { findPhoneNumbers, splitByPhoneNumbers } from '../../src/shared/domain/phone-in-text'

const numbers = (text: string) => findPhoneNumbers(text).map((m) => m.number)

describe('phone numbers in message text (click-to-call)', () => {
  it.each([
    ['我的电话13800138000，下午打给我', ['13800138000']],
    ['手机 138-0013-8000', ['13800138000']],
    ['手机 138 0013 8000。', ['13800138000']],
    ['请回拨 +86 138 0013 8000', ['13800138000']],
    ['0086 13800138000', ['13800138000']],
    ['座机 010-62345678 或 0571-8888 6666', ['01062345678', '057188886666']],
    ['(021) 6234 5678', ['02162345678']],
    ['客服热线 400-820-1234', ['4008201234']],
    ['full width １３８００１３８０００ here', ['13800138000']],
    ['two: 13800138000, 13900139000.', ['13800138000', '13900139000']],
  ])('finds %s', (text, expected) => {
    expect(numbers(text)).toEqual(expected)
  })

  it.each([
    ['订单号 2024113800138000123'],
    ['金额 13800138000.50 元'],
    ['tracking SF13800138000'],
    ['code 13800138000abc'],
    ['退款 200 元，共 3 件'],
    ['version 1.13800138000'],
    ['12800138000'],
    [''],
  ])('finds nothing in %s', (text) => {
    expect(numbers(text)).toEqual([])
  })

  it('keeps offsets into the original text, full-width characters included', () => {
    const text = '电话：１３８－００１３－８０００谢谢'
    const [m] = findPhoneNumbers(text)
    expect(m).toMatchObject({ number: '13800138000', text: '１３８－００１３－８０００' })
    expect(text.slice(m!.start, m!.end)).toBe(m!.text)
  })

  it('splits text into pieces that join back to the original', () => {
    const text = '打 138-0013-8000 或 010-62345678 都行'
    const parts = splitByPhoneNumbers(text)
    expect(parts.map((p) => (typeof p === 'string' ? p : p.text)).join('')).toBe(text)
    expect(parts.filter((p) => typeof p !== 'string')).toHaveLength(2)
    expect(splitByPhoneNumbers('没有号码')).toEqual(['没有号码'])
  })

  it('refuses what is not text and stays fast on long input', () => {
    expect(findPhoneNumbers(null as unknown as string)).toEqual([])
    expect(findPhoneNumbers(42 as unknown as string)).toEqual([])
    const long = `${'1'.repeat(100_000)} 13800138000`
    expect(findPhoneNumbers(long)).toEqual([])
    expect(findPhoneNumbers(`${'3 '.repeat(5_000)}13800138000`).map((m) => m.number)).toEqual(['13800138000'])
  })
})
