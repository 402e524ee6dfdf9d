import { forwardRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AgentProfile } from '../../../../shared/domain/agent'
import type { DispositionCodeRecord } from '../../../../shared/domain/conversations'
import { slaOf, type ConversationView, type MessageView } from '../../../../shared/ipc/inbox-views'
import { currentLanguage } from '../../i18n'
import { errorText } from '../../i18n/error-text'
import { useNow } from '../../lib/clock'
import { formatWhen } from '../../lib/format-time'
import { TierBadge } from '../customers/TierBadge'
import { CallbackBar } from './CallbackBar'
import { Composer, type ComposerHandle } from './Composer'
import { ResolveDialog, TransferDialog } from './ConversationDialogs'
import { useConversationStore } from './conversation-store'
import { CustomerPanel } from './CustomerPanel'
import { ChannelIcon, OfferCountdown, SlaCountdown } from './inbox-bits'
import { MessageList } from './MessageList'

export type PaneDialog = 'resolve' | 'transfer' | null

interface PaneProps {
  agent: AgentProfile
  dialog: PaneDialog
  setDialog(dialog: PaneDialog): void
}

/** The open conversation: header with its actions, the thread, the composer, the customer. */
export const ConversationPane = forwardRef<ComposerHandle, PaneProps>(function ConversationPane({ agent, dialog, setDialog }, composerRef) {
  const { t } = useTranslation()
  const openId = useConversationStore((s) => s.openId)
  const view = useConversationStore((s) => s.view)
  const messages = useConversationStore((s) => s.messages)
  const loadState = useConversationStore((s) => s.loadState)
  const error = useConversationStore((s) => s.error)
  const actionError = useConversationStore((s) => s.actionError)
  const open = useConversationStore((s) => s.open)

  if (openId === null) {
    return (
      <section className="inbox-pane inbox-pane--empty" data-testid="conversation-pane" data-state="none">
        <p className="muted">{t('inbox.pickConversation')}</p>
      </section>
    )
  }
  if (!view) {
    return (
      <section className="inbox-pane inbox-pane--empty" data-testid="conversation-pane" data-state={loadState}>
        {loadState === 'missing' && <p data-testid="conversation-missing">{t('inbox.missing')}</p>}
        {loadState === 'failed' && error && (
          <p className="form-error" role="alert">
            {t('inbox.loadFailed', { error: errorText(t, error) })}{' '}
            <button type="button" className="button button--small" onClick={() => void open(openId)}>
              {t('app.retry')}
            </button>
          </p>
        )}
      </section>
    )
  }
  const c = view.conversation
  const replyBlocked = view.offeredToMe ? t('inbox.composer.readOnly') : c.status === 'resolved' ? t('inbox.composer.resolvedReadOnly') : null
  const handle = composerRef as React.RefObject<ComposerHandle | null>
  return (
    <div className="inbox-conversation">
      <section
        className="inbox-pane"
        data-testid="conversation-pane"
        data-id={c.id}
        data-status={c.status}
        data-channel={c.channel}
        data-mine={view.mine}
        data-offered={view.offeredToMe}
        data-pending={view.pendingOps}
        data-state={loadState}
      >
        <ConversationHeader view={view} setDialog={setDialog} />
        {actionError && (
          <p className="form-error" role="alert" data-testid="conversation-action-error" data-code={actionError.code}>
            {t('inbox.actionFailed', { error: errorText(t, actionError) })}
          </p>
        )}
        <MessageList
          conversation={c}
          messages={messages}
          onQuote={(m: MessageView) => handle.current?.quote(m)}
          onResend={(m: MessageView) => handle.current?.insert(m.text)}
        />
        {c.channel === 'phone' && view.mine && c.status !== 'resolved' && <CallbackBar conversation={c} />}
        <Composer key={c.id} ref={composerRef} conversationId={c.id} replyBlocked={replyBlocked} notesOnly={c.channel === 'phone'} />
      </section>
      <CustomerPanel conversation={c} />
      {dialog === 'resolve' && <ResolveDialog onClose={() => setDialog(null)} />}
      {dialog === 'transfer' && <TransferDialog agent={agent} onClose={() => setDialog(null)} />}
    </div>
  )
})

function dispositionLabel(codes: readonly DispositionCodeRecord[], id: string): string {
  const code = codes.find((d) => d.id === id)
  if (!code) return id
  return currentLanguage() === 'en' ? code.labelEn : code.labelZh
}

const SNOOZES = {
  m30: () => Date.now() + 30 * 60_000,
  h2: () => Date.now() + 2 * 3_600_000,
  tomorrow: () => {
    const d = new Date()
    d.setDate(d.getDate() + 1)
    d.setHours(9, 0, 0, 0)
    return d.getTime()
  },
}

function ConversationHeader({ view, setDialog }: { view: ConversationView; setDialog(d: PaneDialog): void }) {
  const { t } = useTranslation()
  const now = useNow()
  const act = useConversationStore((s) => s.act)
  const busy = useConversationStore((s) => s.busy)
  const [snoozeOpen, setSnoozeOpen] = useState(false)
  const dispositions = useConversationStore((s) => s.dispositions)
  const c = view.conversation
  const sla = slaOf(c)
  const snoozed = c.snoozedUntil !== null && c.snoozedUntil > now
  const groupName = c.meta['groupName']
  const mailbox = c.meta['mailbox']
  const pageUrl = c.meta['pageUrl'] ?? c.meta['url']

  return (
    <header className="inbox-pane-header">
      <div className="inbox-pane-title">
        <ChannelIcon t={t} channel={c.channel} withLabel />
        {c.tier && <TierBadge tier={c.tier} testId="conversation-header-tier" />}
        <h2 data-testid="conversation-subject">{c.subject}</h2>
        <span className={`inbox-status-tag inbox-status-tag--${c.status}`} data-testid="conversation-status" data-status={c.status}>
          {t(`inbox.status.${c.status}`)}
        </span>
      </div>
      <div className="inbox-pane-sub">
        <span data-testid="conversation-customer">{view.customerName ?? c.identity.displayName ?? c.identity.value}</span>
        {c.channel === 'qq' && groupName && <span data-testid="conversation-group">{t('inbox.group', { name: groupName })}</span>}
        {c.channel === 'qq' && (
          <span>
            {t('inbox.memberCard')}: {c.identity.displayName} ({c.identity.value})
          </span>
        )}
        {c.channel === 'email' && mailbox && <span>{t('inbox.mailbox', { address: mailbox })}</span>}
        {c.channel === 'chat' && pageUrl && <span className="inbox-page-url">{t('inbox.page', { url: pageUrl })}</span>}
        <span>{c.assignedAgentName ? t('inbox.assignedTo', { name: c.assignedAgentName }) : c.assignedAgentId ? '' : t('inbox.unassigned')}</span>
        {sla.dueAt !== null && sla.kind && <SlaCountdown t={t} dueAt={sla.dueAt} kind={sla.kind} now={now} />}
        {c.rating !== null && (
          <span className="inbox-rating" data-testid="conversation-rating" data-rating={c.rating} title={t('inbox.rating', { rating: c.rating })}>
            {'★'.repeat(c.rating)}
            {'☆'.repeat(5 - c.rating)}
          </span>
        )}
        {c.disposition && c.status === 'resolved' && <span data-testid="conversation-disposition">{t('inbox.dispositionShown', { code: dispositionLabel(dispositions, c.disposition) })}</span>}
        {snoozed && <span className="inbox-snoozed">{t('inbox.snoozedUntil', { time: formatWhen(c.snoozedUntil!, now) })}</span>}
      </div>
      <div className="inbox-pane-actions">
        {view.offeredToMe && (
          <>
            <OfferCountdown t={t} expiresAt={c.offerExpiresAt} now={now} />
            <button type="button" className="button button--primary" data-testid="conversation-accept" disabled={busy || (c.offerExpiresAt !== null && c.offerExpiresAt <= now)} onClick={() => void act({ type: 'accept' })}>
              {t('inbox.accept')}
            </button>
            <button type="button" className="button" data-testid="conversation-decline" disabled={busy} onClick={() => void act({ type: 'decline' })}>
              {t('inbox.decline')}
            </button>
          </>
        )}
        {c.status === 'open' && (
          <>
            <button type="button" className="button button--primary" data-testid="conversation-resolve" disabled={busy} onClick={() => setDialog('resolve')}>
              {t('inbox.actions.resolve')}
            </button>
            <button type="button" className="button" data-testid="conversation-transfer" disabled={busy} onClick={() => setDialog('transfer')}>
              {t('inbox.actions.transfer')}
            </button>
            {snoozed ? (
              <button type="button" className="button" data-testid="conversation-unsnooze" disabled={busy} onClick={() => void act({ type: 'snooze', until: null })}>
                {t('inbox.actions.unsnooze')}
              </button>
            ) : (
              <span className="inbox-snooze">
                <button type="button" className="button" data-testid="conversation-snooze" aria-expanded={snoozeOpen} disabled={busy} onClick={() => setSnoozeOpen(!snoozeOpen)}>
                  {t('inbox.actions.snooze')}
                </button>
                {snoozeOpen && (
                  <span className="inbox-snooze-menu" role="menu">
                    {(Object.keys(SNOOZES) as Array<keyof typeof SNOOZES>).map((k) => (
                      <button
                        key={k}
                        type="button"
                        role="menuitem"
                        className="button button--small"
                        data-testid={`snooze-${k}`}
                        onClick={() => {
                          setSnoozeOpen(false)
                          void act({ type: 'snooze', until: SNOOZES[k]() })
                        }}
                      >
                        {t(`inbox.snoozeFor.${k}`)}
                      </button>
                    ))}
                  </span>
                )}
              </span>
            )}
          </>
        )}
        {c.status === 'resolved' && (
          <button type="button" className="button" data-testid="conversation-reopen" disabled={busy} onClick={() => void act({ type: 'reopen' })}>
            {t('inbox.actions.reopen')}
          </button>
        )}
      </div>
    </header>
  )
}
