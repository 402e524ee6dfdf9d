import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { conversationChannels, type ConversationChannel } from '../../../../shared/domain/conversations'
import { inboxFilters, type InboxSort } from '../../../../shared/ipc/inbox-views'
import { isTypingTarget } from '../../lib/text-input'
import { useSessionStore } from '../session/session-store'
import type { ComposerHandle } from './Composer'
import { ConversationList } from './ConversationList'
import { ConversationPane, type PaneDialog } from './ConversationPane'
import { useConversationStore } from './conversation-store'
import { askPermission, setupNotifier, useNotifierStore } from './inbox-notifier'
import { useInboxStore } from './inbox-store'
import './inbox.css'

const CLOCK_REFRESH_MS = 30_000

/** 收件箱: one list across channels, the open conversation, and the customer beside it. */
export function InboxPage() {
  const { t } = useTranslation()
  const agent = useSessionStore((s) => s.snapshot?.agent ?? null)
  const filter = useInboxStore((s) => s.filter)
  const channel = useInboxStore((s) => s.channel)
  const sort = useInboxStore((s) => s.sort)
  const counts = useInboxStore((s) => s.counts)
  const unread = useInboxStore((s) => s.unread)
  const muted = useNotifierStore((s) => s.muted)
  const toggleMute = useNotifierStore((s) => s.toggleMute)
  const [dialog, setDialog] = useState<PaneDialog>(null)
  const [help, setHelp] = useState(false)
  const composerRef = useRef<ComposerHandle>(null)

  const openConversation = useCallback((id: string) => {
    void useConversationStore.getState().open(id)
  }, [])

  useEffect(() => {
    setupNotifier(t, (id) => {
      useInboxStore.getState().select(id)
      openConversation(id)
    })
  }, [t, openConversation])

  useEffect(() => {
    // Snoozes end and SLA order shifts by the clock, not only by data changes.
    const timer = setInterval(() => void useInboxStore.getState().refresh(), CLOCK_REFRESH_MS)
    return () => clearInterval(timer)
  }, [])

  useEffect(() => {
    useInboxStore.getState().setVisible(true)
    useConversationStore.getState().setVisible(true)
    void useConversationStore.getState().loadComposerLists()
    if (!useNotifierStore.getState().muted) void askPermission()
    return () => {
      useInboxStore.getState().setVisible(false)
      useConversationStore.getState().setVisible(false)
    }
  }, [])

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || dialog !== null) return
      if (event.key === 'Escape' && help) {
        setHelp(false)
        return
      }
      if (isTypingTarget(event.target)) return
      const inbox = useInboxStore.getState()
      const conversation = useConversationStore.getState()
      switch (event.key) {
        case 'j':
        case 'ArrowDown':
          event.preventDefault()
          void inbox.move(1)
          return
        case 'k':
        case 'ArrowUp':
          event.preventDefault()
          void inbox.move(-1)
          return
        case 'Enter':
          // Enter on a focused button or link keeps its own meaning.
          if (inbox.selectedId && !(event.target instanceof HTMLElement && event.target.closest('button, a, select, summary'))) {
            event.preventDefault()
            openConversation(inbox.selectedId)
          }
          return
        case 'r':
          event.preventDefault()
          composerRef.current?.focus()
          return
        case 'e':
          if (conversation.view?.conversation.status === 'open') {
            event.preventDefault()
            setDialog('resolve')
          }
          return
        case 'a':
          if (conversation.view?.offeredToMe) {
            event.preventDefault()
            void conversation.act({ type: 'accept' })
          }
          return
        case '?':
          event.preventDefault()
          setHelp((h) => !h)
          return
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [dialog, help, openConversation])

  if (!agent) return null
  return (
    <section className="page inbox-page" data-testid="inbox-page">
      <header className="inbox-toolbar">
        <h1 className="page-title">{t('inbox.title')}</h1>
        <span className="inbox-unread-total" data-testid="inbox-unread" data-count={unread}>
          {unread > 0 ? t('inbox.unreadTotal', { count: unread }) : ''}
        </span>
        <div className="inbox-toolbar-right">
          <label className="inbox-select">
            <span className="visually-hidden">{t('inbox.channelLabel')}</span>
            <select
              data-testid="inbox-channel"
              value={channel ?? ''}
              onChange={(e) => useInboxStore.getState().setChannel(e.target.value === '' ? null : (e.target.value as ConversationChannel))}
            >
              <option value="">{t('inbox.allChannels')}</option>
              {conversationChannels.map((c) => (
                <option key={c} value={c}>
                  {t(`inbox.channel.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="inbox-select">
            <span className="visually-hidden">{t('inbox.sortLabel')}</span>
            <select data-testid="inbox-sort" value={sort} onChange={(e) => useInboxStore.getState().setSort(e.target.value as InboxSort)}>
              <option value="priority">{t('inbox.sort.priority')}</option>
              <option value="newest">{t('inbox.sort.newest')}</option>
            </select>
          </label>
          <button
            type="button"
            className="button button--small"
            data-testid="inbox-mute"
            data-muted={muted}
            aria-pressed={muted}
            title={muted ? t('inbox.notify.unmute') : t('inbox.notify.mute')}
            onClick={toggleMute}
          >
            {muted ? t('inbox.notify.muted') : t('inbox.notify.sound')}
          </button>
          <button type="button" className="button button--small" data-testid="inbox-shortcuts" onClick={() => setHelp(!help)}>
            {t('inbox.shortcuts.open')}
          </button>
        </div>
      </header>
      <nav className="inbox-filters" role="tablist" aria-label={t('inbox.filterLabel')}>
        {inboxFilters.map((f) => (
          <button
            key={f}
            type="button"
            role="tab"
            aria-selected={filter === f}
            className={`inbox-filter${filter === f ? ' is-active' : ''}`}
            data-testid={`inbox-filter-${f}`}
            data-count={counts[f]}
            onClick={() => useInboxStore.getState().setFilter(f)}
          >
            {t(`inbox.filters.${f}`)}
            <span className="inbox-filter-count">{counts[f]}</span>
          </button>
        ))}
      </nav>
      <div className="inbox-layout">
        <ConversationList onOpen={openConversation} />
        <ConversationPane ref={composerRef} agent={agent} dialog={dialog} setDialog={setDialog} />
      </div>
      {help && <ShortcutsHelp onClose={() => setHelp(false)} />}
    </section>
  )
}

function ShortcutsHelp({ onClose }: { onClose(): void }) {
  const { t } = useTranslation()
  const rows: Array<[string, string]> = [
    ['j / ↓', t('inbox.shortcuts.next')],
    ['k / ↑', t('inbox.shortcuts.prev')],
    ['Enter', t('inbox.shortcuts.enter')],
    ['r', t('inbox.shortcuts.reply')],
    ['e', t('inbox.shortcuts.resolve')],
    ['a', t('inbox.shortcuts.accept')],
    ['Ctrl+Enter', t('inbox.shortcuts.send')],
    ['/', t('inbox.composer.canned')],
    ['?', t('inbox.shortcuts.help')],
  ]
  return (
    <div className="inbox-shortcuts" data-testid="shortcuts-help" role="dialog" aria-label={t('inbox.shortcuts.title')}>
      <header className="modal-header">
        <h2 className="modal-title">{t('inbox.shortcuts.title')}</h2>
        <button type="button" className="button button--small modal-header-action" onClick={onClose}>
          {t('inbox.shortcuts.close')}
        </button>
      </header>
      <dl>
        {rows.map(([key, text]) => (
          <div key={key} className="inbox-shortcut">
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>
    </div>
  )
}
