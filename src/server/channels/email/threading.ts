/**
 * How emails find their thread: Message-IDs from In-Reply-To and References, the thread's root
 * id (the key of its conversation), and the subject without reply/forward prefixes for the last
 * resort match.
 */

const MESSAGE_ID = /<[^<>\s]{1,250}>/g

/** The `<…>` ids in a header value (In-Reply-To may carry several; mailparser gives References as a string or an array). */
export function messageIdsOf(value: string | readonly string[] | undefined | null): string[] {
  if (!value) return []
  const joined = typeof value === 'string' ? value : value.join(' ')
  const found = joined.match(MESSAGE_ID) ?? []
  // A bare id without brackets (some mailers) is taken as one id.
  if (found.length === 0 && /^[^<>\s]{1,250}@[^<>\s]{1,250}$/.test(joined.trim())) return [`<${joined.trim()}>`]
  return found
}

export function firstMessageId(value: string | undefined | null): string | null {
  return messageIdsOf(value)[0] ?? null
}

/** In-Reply-To first (the message answered), then References newest first; each once, at most 100. */
export function relatedIdsOf(inReplyTo: readonly string[], references: readonly string[]): string[] {
  return [...new Set([...inReplyTo, ...[...references].reverse()])].slice(0, 100)
}

/** The thread's first message: the oldest reference, else the message answered, else this one. */
export function rootIdOf(messageId: string, inReplyTo: readonly string[], references: readonly string[]): string {
  return references[0] ?? inReplyTo[0] ?? messageId
}

export function threadKeyOf(mailboxId: string, rootId: string): string {
  return `${mailboxId}:${rootId}`
}

/** The mailbox a thread key belongs to (`<mailboxId>:<root id>`). */
export function mailboxIdOfThreadKey(threadKey: string): string {
  const at = threadKey.indexOf(':')
  return at < 0 ? threadKey : threadKey.slice(0, at)
}

// Re:, RE:, Fw:, Fwd:, 回复:, 答复:, 转发:, 回覆: with ASCII or full-width colons, and "Re[2]:".
const PREFIX = /^\s*(?:re|fw|fwd|aw|sv|回复|回覆|答复|转发|轉寄|转寄)\s*(?:\[\d+\])?\s*[:：]\s*/i

/** The subject without any reply/forward prefixes, whitespace folded. */
export function baseSubject(subject: string): string {
  let rest = subject.replace(/\s+/g, ' ').trim()
  for (let i = 0; i < 20 && PREFIX.test(rest); i++) rest = rest.replace(PREFIX, '')
  return rest.trim()
}

/** "Re: <subject>", never "Re: Re: …" (any reply prefix already there is kept as the only one). */
export function replySubject(subject: string): string {
  const base = baseSubject(subject)
  return base === '' ? 'Re:' : `Re: ${base}`
}
