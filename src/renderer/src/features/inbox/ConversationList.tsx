import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useRef } from 'react'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import type { ConversationSummary } from '../../../../shared/ipc/inbox-views'
import { errorText } from '../../i18n/error-text'
import { useNow } from '../../lib/clock'
import { formatWhen } from '../../lib/format-time'
import { TierBadge } from '../customers/TierBadge'
import { useConversationStore } from './conversation-store'
import { ChannelIcon, OfferCountdown, SlaCountdown } from './inbox-bits'
import { useInboxStore } from './inbox-store'

/** Fixed row height: the virtualiser never measures, so 10,000 rows scroll without layout work. */
const ROW_HEIGHT = 100

/** The list, virtualised: only the rows on screen (and a few more) exist in the DOM. */
export function ConversationList({ onOpen }: { onOpen(id: string): void }) {
  const { t } = useTranslation()
  const total = useInboxStore((s) => s.total)
  const pages = useInboxStore((s) => s.pages)
  const selectedIndex = useInboxStore((s) => s.selectedIndex)
  const selectedId = useInboxStore((s) => s.selectedId)
  const loadState = useInboxStore((s) => s.loadState)
  const error = useInboxStore((s) => s.error)
  const showRange = useInboxStore((s) => s.showRange)
  const itemAt = useInboxStore((s) => s.itemAt)
  const now = useNow()
  const scrollRef = useRef<HTMLDivElement>(null)

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  })
  const rows = virtualizer.getVirtualItems()
  const first = rows[0]?.index ?? 0
  const last = rows[rows.length - 1]?.index ?? 0

  useEffect(() => {
    if (total > 0) showRange(first, last)
  }, [first, last, total, showRange, pages])

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' })
  }, [selectedIndex, virtualizer])

  return (
    <div
      ref={scrollRef}
      className="inbox-list"
      data-testid="conversation-list"
      data-total={total}
      data-state={loadState}
      role="listbox"
      aria-label={t('inbox.listLabel')}
      aria-activedescendant={selectedId ? `conversation-${selectedId}` : undefined}
      tabIndex={0}
    >
      {loadState === 'failed' && error && (
        <p className="form-error" role="alert" data-testid="inbox-error" data-code={error.code}>
          {errorText(t, error)}
        </p>
      )}
      {loadState === 'loaded' && total === 0 && (
        <div className="inbox-empty" data-testid="inbox-empty">
          <p className="inbox-empty-title">{t('inbox.emptyFilter')}</p>
          <p className="muted">{t('inbox.emptyBody')}</p>
        </div>
      )}
      <div className="inbox-list-inner" style={{ height: virtualizer.getTotalSize() }}>
        {rows.map((row) => {
          const item = itemAt(row.index)
          return (
            <div key={row.key} className="inbox-list-slot" style={{ height: ROW_HEIGHT, transform: `translateY(${row.start}px)` }}>
              {item ? (
                <ConversationRow t={t} item={item} index={row.index} selected={item.id === selectedId} now={now} onOpen={onOpen} />
              ) : (
                <div className="inbox-row inbox-row--loading">{t('inbox.loadingRow')}</div>
              )}
            </div>
          )
        })}
      </div>
    </div>
  )
}

interface RowProps {
  /** The list's: a row does not call useTranslation itself (see inbox-bits.tsx). A new `t` (language change) re-renders the rows. */
  t: TFunction
  item: ConversationSummary
  index: number
  selected: boolean
  now: number
  onOpen(id: string): void
}

const ConversationRow = memo(function ConversationRow({ t, item, index, selected, now, onOpen }: RowProps) {
  const select = useInboxStore((s) => s.select)
  const act = useConversationStore((s) => s.act)
  const offered = item.status === 'offered'
  // Past its time the server moves the offer on; accepting it now would only be refused.
  const expired = offered && item.offerExpiresAt !== null && item.offerExpiresAt <= now

  async function respond(event: React.MouseEvent, type: 'accept' | 'decline') {
    event.stopPropagation()
    select(item.id, index)
    // Accepting from the list opens it, so the agent can answer at once.
    await useConversationStore.getState().open(item.id)
    await act({ type })
  }

  return (
    <div
      id={`conversation-${item.id}`}
      className={`inbox-row${selected ? ' is-selected' : ''}${item.unread > 0 ? ' is-unread' : ''}${offered ? ' is-offered' : ''}`}
      data-testid="conversation-row"
      data-id={item.id}
      data-index={index}
      data-status={item.status}
      data-channel={item.channel}
      data-unread={item.unread}
      data-waiting={item.waiting}
      data-pending={item.pendingOps}
      role="option"
      aria-selected={selected}
      onClick={() => {
        select(item.id, index)
        onOpen(item.id)
      }}
    >
      <div className="inbox-row-top">
        <ChannelIcon t={t} channel={item.channel} />
        {item.tier && <TierBadge tier={item.tier} testId="conversation-tier" />}
        <span className="inbox-row-name" data-testid="conversation-name">
          {item.displayName}
        </span>
        <time className="inbox-row-time" dateTime={new Date(item.lastMessageAt).toISOString()}>
          {formatWhen(item.lastMessageAt, now)}
        </time>
      </div>
      <div className="inbox-row-subject">{item.subject}</div>
      <div className="inbox-row-bottom">
        <span className="inbox-row-preview">{item.lastMessagePreview}</span>
        {item.unread > 0 && (
          <span className="inbox-unread" data-testid="conversation-unread" aria-label={t('inbox.unreadTotal', { count: item.unread })}>
            {item.unread}
          </span>
        )}
      </div>
      <div className="inbox-row-status">
        {offered ? (
          <>
            <OfferCountdown t={t} expiresAt={item.offerExpiresAt} now={now} />
            <button type="button" className="button button--small button--primary" data-testid="row-accept" disabled={expired} onClick={(e) => void respond(e, 'accept')}>
              {t('inbox.accept')}
            </button>
            <button type="button" className="button button--small" data-testid="row-decline" onClick={(e) => void respond(e, 'decline')}>
              {t('inbox.decline')}
            </button>
          </>
        ) : (
          <>
            {item.slaDueAt !== null && item.slaKind && <SlaCountdown t={t} dueAt={item.slaDueAt} kind={item.slaKind} now={now} />}
            {item.snoozedUntil !== null && item.snoozedUntil > now && (
              <span className="inbox-snoozed">{t('inbox.snoozedUntil', { time: formatWhen(item.snoozedUntil, now) })}</span>
            )}
            {item.status === 'resolved' && <span className="inbox-status-tag">{t('inbox.status.resolved')}</span>}
            {item.status === 'queued' && <span className="inbox-status-tag">{t('inbox.status.queued')}</span>}
          </>
        )}
        {item.pendingOps > 0 && (
          <span className="inbox-pending" data-testid="conversation-pending">
            {t('inbox.pendingOps')}
          </span>
        )}
      </div>
    </div>
  )
})
