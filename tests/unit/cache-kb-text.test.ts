import { describe, expect, it } from 'vitest'
import { highlightAll, snippetOf } from '../../src/main/services/cache/highlight'
import { indexText, parseKbQuery, plainText } from '../../src/main/services/cache/kb-text'

const words = (text: string) => text.trim().split(/\s+/)

describe('indexText', () => {
  it('writes Chinese runs as overlapping pairs plus their last character, and leaves other text alone', () => {
    expect(words(indexText('申请退款'))).toEqual(['申请', '请退', '退款', '款'])
    expect(words(indexText('卡'))).toEqual(['卡'])
    expect(words(indexText('5G套餐，Refund policy'))).toEqual(['5G', '套餐', '餐', ',Refund', 'policy'])
    expect(words(indexText('ＡＢＣ１２３'))).toEqual(['ABC123'])
  })
})

describe('parseKbQuery', () => {
  it('turns each word into a quoted phrase of the same tokens, open at the end', () => {
    expect(parseKbQuery('退款')?.match).toBe('"退款"')
    expect(parseKbQuery('卡')?.match).toBe('"卡"*')
    expect(parseKbQuery('退款流程')?.match).toBe('"退款 款流 流程"')
    expect(parseKbQuery('宽带 故障')?.match).toBe('"宽带" AND "故障"')
    expect(parseKbQuery('Refund')?.match).toBe('"refund"*')
    expect(parseKbQuery('5G套餐')?.match).toBe('"5g 套餐"')
    expect(parseKbQuery('退款B')?.match).toBe('"退款 款 b"*')
    expect(parseKbQuery('A卡B')?.match).toBe('"a 卡 b"*')
  })

  it('never lets anything typed act as FTS syntax, and never throws', () => {
    const inputs = ['"', '"a" OR "b"', 'NEAR(a b)', 'a*', '-a', '^a', '{title}:a', 'a:b', '(((', '))', '😀😀', '\u0000', '\\"', "'", '退'.repeat(200), 'x '.repeat(100)]
    for (const input of inputs) {
      const parsed = parseKbQuery(input)
      if (parsed === null) continue
      // Only quoted letters and digits, AND, and a star after a closing quote.
      expect(parsed.match, input).toMatch(/^"[\p{L}\p{N}\p{Co} ]+"\*?( AND "[\p{L}\p{N}\p{Co} ]+"\*?)*$/u)
    }
    expect(parseKbQuery('😀')).toBeNull()
    expect(parseKbQuery('  ，。！  ')).toBeNull()
    expect(parseKbQuery('a '.repeat(100))?.match).toBe('"a"*')
    expect(parseKbQuery('a b c d e f g h i j k l m n o p')!.match.split(' AND ')).toHaveLength(12)
  })
})

describe('plainText', () => {
  it('drops tags, keeps words of separate blocks apart, decodes entities', () => {
    expect(plainText('<h4>【步骤】</h4><ol><li>核实身份</li><li>登记&amp;派单</li></ol><p>a&lt;b&nbsp;c &#x4e2d;&#25991;</p>')).toBe('【步骤】 核实身份 登记&派单 a<b c 中文')
    expect(plainText('<p><strong>加粗</strong>文字<br>换行</p>')).toBe('加粗文字 换行')
  })
})

describe('highlighting', () => {
  const terms = parseKbQuery('翡翠卡')!.terms
  const joined = (pieces: { text: string }[]) => pieces.map((p) => p.text).join('')

  it('marks every occurrence and concatenates back to the text', () => {
    const text = '翡翠卡可以随时退订，翡翠卡翡翠卡的月费'
    const pieces = highlightAll(text, terms)
    expect(joined(pieces)).toBe(text)
    expect(pieces.filter((p) => p.hit).map((p) => p.text)).toEqual(['翡翠卡', '翡翠卡', '翡翠卡'])
  })

  it('matches case- and width-insensitively on the original text, Latin words only from their start', () => {
    const english = parseKbQuery('port ＲＯＵ')!.terms
    const pieces = highlightAll('Report: Port the Router; ROUTE ports', english)
    expect(pieces.filter((p) => p.hit).map((p) => p.text)).toEqual(['Port', 'Rou', 'ROU', 'port'])
    expect(joined(pieces)).toBe('Report: Port the Router; ROUTE ports')
    const wide = highlightAll('５Ｇ套餐', parseKbQuery('5g')!.terms)
    expect(wide).toEqual([
      { text: '５Ｇ', hit: true },
      { text: '套餐', hit: false },
    ])
  })

  it('cuts a snippet of about 72 characters around the first hit, from the original text', () => {
    const body = '前言'.repeat(100) + '翡翠卡说明' + '后记'.repeat(100)
    const snippet = snippetOf(body, terms)
    const text = joined(snippet)
    expect(body.includes(text)).toBe(true)
    expect(text.length).toBe(72)
    expect(snippet.find((p) => p.hit)?.text).toBe('翡翠卡')
    expect(text.indexOf('翡翠卡')).toBeLessThan(20)
    expect(joined(snippetOf('短文', terms))).toBe('短文')
    expect(snippetOf('没有命中的一段文字', terms)).toEqual([{ text: '没有命中的一段文字', hit: false }])
    expect(snippetOf('', terms)).toEqual([])
  })

  it('never splits a character outside the basic plane', () => {
    const body = '𠀀'.repeat(50) + '翡翠卡' + '𠀀'.repeat(50)
    const text = joined(snippetOf(body, terms))
    expect(text.startsWith('\udc00')).toBe(false)
    expect(body.includes(text)).toBe(true)
  })

  it('finds a first hit far into a very long body', () => {
    const body = '无关内容。'.repeat(3_000) + '翡翠卡'
    expect(snippetOf(body, terms).some((p) => p.hit)).toBe(true)
  })
})
