import type { TFunction } from 'i18next'
import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ConversationRecord } from '../../../../shared/domain/conversations'
import type { MessageView } from '../../../../shared/ipc/inbox-views'
import i18next from 'i18next'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { errorText } from '../../i18n/error-text'
import { formatWhen } from '../../lib/format-time'
import { showToast } from '../toast/toast-store'
import { PhoneLinkedText } from '../phone/PhoneLinkedText'
import { useConversationStore } from './conversation-store'
import { sanitizeEmailHtml, splitEmailHtml, splitEmailText } from './email-content'

interface MessageListProps {
  conversation: ConversationRecord
  messages: MessageView[]
  onQuote(message: MessageView): void
  onResend(message: MessageView): void
}

/**
 * The thread, newest last. Kept at the bottom while new messages arrive if the agent is at the
 * bottom; loading older messages keeps the view where it was.
 */
export function MessageList({ conversation, messages, onQuote, onResend }: MessageListProps) {
  const { t } = useTranslation()
  const hasOlder = useConversationStore((s) => s.hasOlder)
  const loadingOlder = useConversationStore((s) => s.loadingOlder)
  const loadOlder = useConversationStore((s) => s.loadOlder)
  const scrollRef = useRef<HTMLDivElement>(null)
  const atBottom = useRef(true)
  const previous = useRef<{ first: string | undefined; height: number; id: string }>({ first: undefined, height: 0, id: '' })
  const byId = useMemo(() => new Map(messages.map((m) => [m.id, m])), [messages])

  useLayoutEffect(() => {
    const el = scrollRef.current
    if (!el) return
    const before = previous.current
    const first = messages[0]?.id
    if (before.id === conversation.id && before.first !== first && before.height > 0 && !atBottom.current) {
      // Older messages were put above: keep what the agent was reading in place.
      el.scrollTop += el.scrollHeight - before.height
    } else if (atBottom.current || before.id !== conversation.id) {
      el.scrollTop = el.scrollHeight
    }
    previous.current = { first, height: el.scrollHeight, id: conversation.id }
  }, [messages, conversation.id])

  return (
    <div
      ref={scrollRef}
      className={`message-list message-list--${conversation.channel}`}
      data-testid="message-list"
      data-count={messages.length}
      onScroll={(event) => {
        const el = event.currentTarget
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40
        if (el.scrollTop < 80 && hasOlder && !loadingOlder) void loadOlder()
      }}
    >
      {hasOlder && (
        <button type="button" className="button button--small message-older" data-testid="messages-older" disabled={loadingOlder} onClick={() => void loadOlder()}>
          {t('inbox.loadOlder')}
        </button>
      )}
      {messages.length === 0 && <p className="list-placeholder">{t('inbox.noMessages')}</p>}
      {messages.map((message) => (
        <MessageItem
          t={t}
          key={message.id}
          message={message}
          channel={conversation.channel}
          customerId={conversation.customerId}
          quoted={message.replyToId ? (byId.get(message.replyToId) ?? null) : null}
          onQuote={onQuote}
          onResend={onResend}
        />
      ))}
    </div>
  )
}

interface MessageItemProps {
  /** The list's: 200 messages mount at once when a conversation opens, and each useTranslation mount copies the i18next instance (see inbox-bits.tsx). */
  t: TFunction
  message: MessageView
  channel: ConversationRecord['channel']
  customerId: string | null
  quoted: MessageView | null
  onQuote(message: MessageView): void
  onResend(message: MessageView): void
}

const MessageItem = memo(function MessageItem({ t, message, channel, customerId, quoted, onQuote, onResend }: MessageItemProps) {
  const time = (
    <time className="message-time" dateTime={new Date(message.createdAt).toISOString()}>
      {formatWhen(message.createdAt)}
    </time>
  )
  if (message.direction === 'system') {
    return (
      <div className="message message--system" data-testid="message" data-id={message.id} data-direction="system">
        <span>{message.text}</span> {time}
      </div>
    )
  }
  const side = message.direction === 'in' ? 'in' : 'out'
  return (
    <article
      className={`message message--${message.direction} message--${side}`}
      data-testid="message"
      data-id={message.id}
      data-direction={message.direction}
      data-delivery={message.delivery ?? ''}
      data-recalled={message.recalled}
    >
      <header className="message-meta">
        <span className="message-author" data-testid="message-author">
          {message.authorName}
        </span>
        {message.direction === 'note' && <span className="message-note-tag">{t('inbox.note')}</span>}
        {time}
        {message.direction === 'in' && !message.recalled && (
          <button type="button" className="button button--ghost button--small message-quote" data-testid="message-quote" onClick={() => onQuote(message)}>
            {t('inbox.replyTo')}
          </button>
        )}
      </header>
      {message.replyToId && (
        <blockquote className="message-reply-to" data-testid="message-reply-to" data-reply-to={message.replyToId}>
          {quoted ? `${quoted.authorName}：${Array.from(quoted.text).slice(0, 80).join('')}` : t('inbox.quotedMissing')}
        </blockquote>
      )}
      <div className="message-bubble">
        {message.recalled ? (
          <p className="message-recalled" data-testid="message-recalled">
            {t('inbox.recalled')}
          </p>
        ) : channel === 'email' ? (
          <EmailBody message={message} customerId={customerId} />
        ) : (
          <p className="message-text" data-testid="message-text">
            {message.direction === 'in' ? <PhoneLinkedText text={message.text} customerId={customerId} /> : message.text}
          </p>
        )}
        {message.attachments.length > 0 && (
          <ul className="message-attachments" aria-label={t('inbox.attachments')}>
            {message.attachments.map((a) => (
              <li key={a.id} className="message-attachment" data-testid="message-attachment" data-id={a.id}>
                <button type="button" className="button button--ghost button--small" onClick={() => void download(a.id)}>
                  <span aria-hidden="true">📎 </span>
                  {a.name}
                </button>{' '}
                <span className="muted">({formatSize(a.size)})</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      {message.delivery && <MessageDelivery t={t} message={message} onResend={onResend} />}
    </article>
  )
})

function MessageDelivery({ t, message, onResend }: { t: TFunction; message: MessageView; onResend(message: MessageView): void }) {
  const delivery = message.delivery!
  return (
    <footer className={`message-delivery message-delivery--${delivery}`} data-testid="message-delivery" data-delivery={delivery}>
      <span className="delivery-mark" aria-hidden="true" />
      {t(`inbox.delivery.${delivery}`)}
      {delivery === 'failed' && (
        <>
          <span className="message-delivery-error" data-testid="message-delivery-error">
            {t('inbox.failedHint', { error: message.deliveryError ?? '—' })}
          </span>
          <button type="button" className="button button--small" data-testid="message-resend" onClick={() => onResend(message)}>
            {t('inbox.resend')}
          </button>
        </>
      )}
      {delivery === 'conflict' && <span className="message-delivery-error">{t('inbox.conflictHint')}</span>}
    </footer>
  )
}

/** The sanitised HTML part (or the text), with the quoted history folded away. */
function EmailBody({ message, customerId }: { message: MessageView; customerId: string | null }) {
  const { t } = useTranslation()
  const [showQuoted, setShowQuoted] = useState(false)
  const split = useMemo(() => (message.html ? splitEmailHtml(sanitizeEmailHtml(message.html)) : splitEmailText(message.text)), [message.html, message.text])
  const html = message.html !== null
  return (
    <div className="email-body" data-testid="email-body">
      {html ? (
        <div className="email-html" data-testid="email-main" dangerouslySetInnerHTML={{ __html: split.main }} />
      ) : (
        <p className="message-text" data-testid="email-main">
          {message.direction === 'in' ? <PhoneLinkedText text={split.main} customerId={customerId} /> : split.main}
        </p>
      )}
      {split.quoted !== null && (
        <>
          <button type="button" className="button button--ghost button--small email-quoted-toggle" data-testid="email-show-quoted" aria-expanded={showQuoted} onClick={() => setShowQuoted(!showQuoted)}>
            {showQuoted ? t('inbox.hideQuoted') : t('inbox.showQuoted')}
          </button>
          {showQuoted &&
            (html ? (
              <div className="email-quoted email-html" data-testid="email-quoted" dangerouslySetInnerHTML={{ __html: split.quoted }} />
            ) : (
              <p className="email-quoted message-text" data-testid="email-quoted">
                {split.quoted}
              </p>
            ))}
        </>
      )}
    </div>
  )
}

/** Saves an attachment through the browser's download (the main process fetches it from the server). */
async function download(id: string): Promise<void> {
  try {
    const file = await getAgentApi().invoke('attachments.get', { id })
    const bytes = Uint8Array.from(atob(file.dataBase64), (c) => c.charCodeAt(0))
    const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }))
    const link = document.createElement('a')
    link.href = url
    link.download = file.name
    link.click()
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
  } catch (err) {
    showToast(errorText(i18next.t, toAppError(err)), 'error')
  }
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
