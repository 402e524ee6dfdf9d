import { describe, expect, it } from 'vitest'
import { escapeCqText, escapeCqValue, formatCqString, parseCqString } from '../../src/server/channels/qq/cq-code'
import { renderMessage } from '../../src/server/channels/qq/message-content'
import type { Segment } from '../../src/server/channels/qq/onebot-schemas'
import { messageIdOf, parseThreadKey } from '../../src/server/channels/qq/qq-channel'

describe('CQ-code strings (message/string.md)', () => {
  it('parses codes and text, unescaping text and parameter values as the spec says', () => {
    expect(parseCqString('[CQ:face,id=178]看看我刚拍的照片[CQ:image,file=123.jpg]')).toEqual([
      { type: 'face', data: { id: '178' } },
      { type: 'text', data: { text: '看看我刚拍的照片' } },
      { type: 'image', data: { file: '123.jpg' } },
    ])
    expect(parseCqString('- &#91;x&#93; 使用 `&amp;data` 获取地址')).toEqual([{ type: 'text', data: { text: '- [x] 使用 `&data` 获取地址' } }])
    expect(parseCqString('[CQ:share,title=震惊&#44;小伙睡觉前居然...,url=http://baidu.com/?a=1&amp;b=2]')).toEqual([
      { type: 'share', data: { title: '震惊,小伙睡觉前居然...', url: 'http://baidu.com/?a=1&b=2' } },
    ])
    // The value runs to the end of its parameter: a second "=" belongs to it.
    expect(parseCqString('[CQ:share,title=标题中有=等号,url=http://baidu.com]')[0]?.data).toEqual({ title: '标题中有=等号', url: 'http://baidu.com' })
    expect(parseCqString('[CQ:shake]')).toEqual([{ type: 'shake', data: {} }])
  })

  it('unescapes in one pass and leaves &#44; alone in plain text', () => {
    expect(parseCqString('&amp;#91; and &#44;')).toEqual([{ type: 'text', data: { text: '&#91; and &#44;' } }])
  })

  it('keeps what is not a code as text', () => {
    expect(parseCqString('价格[CQ:未闭合')).toEqual([{ type: 'text', data: { text: '价格[CQ:未闭合' } }])
    expect(parseCqString('a[CQ:]b')).toEqual([{ type: 'text', data: { text: 'a[CQ:]b' } }])
    expect(parseCqString('')).toEqual([])
  })

  it('round-trips through formatCqString', () => {
    const segments: Segment[] = [
      { type: 'reply', data: { id: '-12345' } },
      { type: 'at', data: { qq: '10001' } },
      { type: 'text', data: { text: ' [重要] a,b & c' } },
      { type: 'share', data: { url: 'http://x/?a=1&b=2', title: '[标题],逗号' } },
    ]
    expect(parseCqString(formatCqString(segments))).toEqual(segments)
    expect(escapeCqText('[a],&')).toBe('&#91;a&#93;,&amp;')
    expect(escapeCqValue('[a],&')).toBe('&#91;a&#93;&#44;&amp;')
  })
})

describe('rendering for the agent', () => {
  it('drops the @ of the bot, names other @s, marks faces and images, and finds the quoted message', () => {
    const rendered = renderMessage(
      [
        { type: 'reply', data: { id: '998' } },
        { type: 'at', data: { qq: '10086' } },
        { type: 'text', data: { text: ' 你好 ' } },
        { type: 'at', data: { qq: '20002', name: '小李' } },
        { type: 'at', data: { qq: 'all' } },
        { type: 'face', data: { id: '14' } },
        { type: 'image', data: { file: 'a.image', url: 'http://127.0.0.1:1/a' } },
        { type: 'record', data: { file: 'v.amr' } },
        { type: 'mystery', data: {} },
      ],
      '10086',
    )
    expect(rendered).toEqual({
      text: '你好 @小李 @全体成员 [表情][图片][语音][mystery]',
      replyToMessageId: '998',
      images: [{ file: 'a.image', url: 'http://127.0.0.1:1/a' }],
    })
  })
})

describe('ids', () => {
  it('reads thread keys and stored message ids', () => {
    expect(parseThreadKey('2854196310:734561234:10001')).toEqual({ selfId: '2854196310', groupId: '734561234', userId: '10001' })
    expect(parseThreadKey('visitor:abc')).toBeNull()
    expect(messageIdOf('2854196310:-2147483000')).toBe('-2147483000')
    expect(messageIdOf('<abc@mail>')).toBeNull()
    expect(messageIdOf(null)).toBeNull()
  })
})
