/**
 * Mail that no person wrote: out-of-office answers, autoresponders, mailing-list traffic and
 * bounces. None of it may open a conversation, and nothing is ever sent back to it, so two
 * autoresponders can never talk to each other through us.
 */

export type MailKind = { kind: 'person' } | { kind: 'auto_reply'; why: string } | { kind: 'bounce'; why: string }

/** Header values as plain strings, names lower-cased (mailparser's structured values flattened). */
export type HeaderLookup = (name: string) => string | undefined

const BULK_PRECEDENCE = new Set(['bulk', 'junk', 'auto_reply', 'list'])
const BOUNCE_SENDER = /^(mailer-daemon|postmaster)@/i
const AUTO_SUBJECT = /(自动回复|自動回覆|自动答复|^\s*auto(matic)?[ -]?reply\b|^\s*auto:|out of (the )?office|^\s*自动应答)/i
const BOUNCE_SUBJECT = /(undeliverable|undelivered mail|delivery status notification|mail delivery (failed|subsystem)|returned mail|退信|投递失败|未能送达|无法投递)/i

export function classifyMail(header: HeaderLookup, fromAddress: string | null, subject: string): MailKind {
  const contentType = header('content-type')?.toLowerCase() ?? ''
  if (contentType.startsWith('multipart/report') && /report-type\s*=\s*"?delivery-status/.test(contentType)) {
    return { kind: 'bounce', why: 'multipart/report delivery-status' }
  }
  if (header('x-failed-recipients')) return { kind: 'bounce', why: 'X-Failed-Recipients' }
  if (fromAddress && BOUNCE_SENDER.test(fromAddress)) return { kind: 'bounce', why: `sender ${fromAddress}` }
  if (header('return-path')?.trim() === '<>' && BOUNCE_SUBJECT.test(subject)) return { kind: 'bounce', why: 'null sender with a bounce subject' }

  const autoSubmitted = header('auto-submitted')?.trim().toLowerCase()
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return { kind: 'auto_reply', why: `Auto-Submitted: ${autoSubmitted.slice(0, 40)}` }
  if (header('x-autoreply') !== undefined) return { kind: 'auto_reply', why: 'X-Autoreply' }
  if (header('x-autorespond') !== undefined) return { kind: 'auto_reply', why: 'X-Autorespond' }
  if (header('x-autoresponse') !== undefined) return { kind: 'auto_reply', why: 'X-AutoResponse' }
  const precedence = header('precedence')?.trim().toLowerCase()
  if (precedence && BULK_PRECEDENCE.has(precedence)) return { kind: 'auto_reply', why: `Precedence: ${precedence}` }
  if (header('list-id') !== undefined) return { kind: 'auto_reply', why: 'List-Id (mailing list)' }
  if (AUTO_SUBJECT.test(subject)) return { kind: 'auto_reply', why: 'auto-reply subject' }
  if (BOUNCE_SUBJECT.test(subject) && header('return-path')?.trim() === '<>') return { kind: 'bounce', why: 'bounce subject' }
  return { kind: 'person' }
}

/**
 * The Message-IDs quoted inside a bounce (the returned message's headers, in a message/rfc822 or
 * text/rfc822-headers part, or inline): the reply of ours that did not arrive is among them.
 */
export function quotedMessageIds(raw: Buffer, ownMessageId: string | null): string[] {
  const text = raw.subarray(0, 2 * 1024 * 1024).toString('latin1')
  const ids = new Set<string>()
  for (const match of text.matchAll(/^(?:message-id|x-original-message-id)\s*:\s*(<[^<>\s]{1,250}>)/gim)) {
    const id = match[1]
    if (id && id !== ownMessageId) ids.add(id)
  }
  return [...ids].slice(0, 20)
}

/** "5.1.1" and the remote server's words from a delivery-status report, for the agent. */
export function bounceReason(raw: Buffer): string {
  const text = raw.subarray(0, 2 * 1024 * 1024).toString('latin1')
  const diagnostic = /^diagnostic-code\s*:\s*(?:smtp\s*;\s*)?(.+(?:\r?\n[ \t].+)*)/im.exec(text)?.[1]
  const status = /^status\s*:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(text)?.[1]
  const reason = [status, diagnostic?.replace(/\s+/g, ' ').trim()].filter(Boolean).join(' ')
  return reason === '' ? 'The recipient\'s mail server returned the message' : `The recipient's mail server returned the message: ${reason}`.slice(0, 480)
}
