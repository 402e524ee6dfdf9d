/**
 * What a QQ group message says, for an agent: segments (array form, or parsed from CQ codes)
 * rendered as text, with the message it quotes and the images it carries; and the other way,
 * an agent's reply as the segments `send_group_msg` takes.
 */
import { parseCqString } from './cq-code'
import type { Segment } from './onebot-schemas'

export interface ImageReference {
  /** `file` of the image segment: a name, an http(s) URL or `base64://…`. */
  file: string
  /** `url` of the image segment, where the implementation offers a download. */
  url: string | null
}

export interface RenderedMessage {
  text: string
  /** The message id of a reply segment (the message the member quotes). */
  replyToMessageId: string | null
  images: ImageReference[]
}

/** Placeholders for what has no text; the agent sees the kind, the customer's wording stays intact. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  face: '[表情]',
  mface: '[表情]',
  dice: '[骰子]',
  rps: '[猜拳]',
  shake: '[窗口抖动]',
  poke: '[戳一戳]',
  record: '[语音]',
  video: '[视频]',
  file: '[文件]',
  share: '[链接分享]',
  music: '[音乐分享]',
  location: '[位置]',
  contact: '[名片]',
  forward: '[合并转发]',
  node: '[合并转发]',
  xml: '[卡片消息]',
  json: '[卡片消息]',
}

export function segmentsOf(message: readonly Segment[] | string): Segment[] {
  return typeof message === 'string' ? parseCqString(message) : [...message]
}

/**
 * Renders a member's message. `selfId` is the bot: an @ of the bot itself is how members call the
 * service in a group, not part of what they ask, so it is left out.
 */
export function renderMessage(segments: readonly Segment[], selfId: string): RenderedMessage {
  let text = ''
  let replyToMessageId: string | null = null
  const images: ImageReference[] = []
  for (const segment of segments) {
    const data = segment.data
    switch (segment.type) {
      case 'text':
        text += data['text'] ?? ''
        break
      case 'at': {
        const qq = data['qq'] ?? ''
        if (qq === selfId) break
        // `name` is not in the v11 text, but NapCat and Lagrange send the member's display name.
        text += qq === 'all' ? '@全体成员 ' : `@${data['name'] || qq} `
        break
      }
      case 'reply':
        if (data['id']) replyToMessageId = data['id']
        break
      case 'image': {
        const file = data['file'] ?? ''
        const url = data['url'] || null
        if (file !== '' || url) images.push({ file, url })
        text += '[图片]'
        break
      }
      default:
        text += PLACEHOLDERS[segment.type] ?? `[${segment.type.slice(0, 20)}]`
    }
  }
  return { text: text.replace(/^\s+/, '').replace(/\s+$/, ''), replyToMessageId, images }
}

export interface OutboundImage {
  /** base64 of the file. */
  base64: string
}

/**
 * An agent's reply as segments: the customer's message quoted, the member @-mentioned, the text,
 * then images. Values are strings, as in the spec's examples.
 */
export function replySegments(options: { replyToMessageId: string | null; userId: string; text: string; images: readonly OutboundImage[] }): Segment[] {
  const segments: Segment[] = []
  if (options.replyToMessageId) segments.push({ type: 'reply', data: { id: options.replyToMessageId } })
  segments.push({ type: 'at', data: { qq: options.userId } })
  segments.push({ type: 'text', data: { text: ` ${options.text}` } })
  for (const image of options.images) segments.push({ type: 'image', data: { file: `base64://${image.base64}` } })
  return segments
}
