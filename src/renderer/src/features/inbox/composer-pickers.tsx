/** The composer's pop-ups: canned responses (`/`), emoji, and knowledge-base articles. */
import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CannedResponseView } from '../../../../shared/ipc/inbox-views'
import type { KbHit } from '../../../../shared/ipc/views'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { articlePlainText } from '../kb/article-html'

/** Matches on the shortcut first, then the title, then the text. */
export function filterCanned(all: readonly CannedResponseView[], query: string): CannedResponseView[] {
  const q = query.trim().toLowerCase()
  if (q === '') return [...all]
  const rank = (c: CannedResponseView) =>
    c.shortcut.toLowerCase().startsWith(q) ? 0 : c.shortcut.toLowerCase().includes(q) ? 1 : c.title.toLowerCase().includes(q) ? 2 : c.text.toLowerCase().includes(q) ? 3 : 9
  return all
    .map((c) => ({ c, r: rank(c) }))
    .filter((x) => x.r < 9)
    .sort((a, b) => a.r - b.r)
    .map((x) => x.c)
}

interface CannedPickerProps {
  items: CannedResponseView[]
  query: string
  active: number
  onPick(item: CannedResponseView): void
}

/** Shown while the text is `/query`: the keyboard stays in the textarea (see Composer). */
export function CannedPicker({ items, query, active, onPick }: CannedPickerProps) {
  const { t } = useTranslation()
  return (
    <div className="composer-popup canned-picker" data-testid="canned-picker" data-query={query} role="listbox" aria-label={t('inbox.composer.canned')}>
      <p className="composer-popup-hint">{t('inbox.composer.cannedHint')}</p>
      {items.length === 0 && <p className="muted">{t('inbox.composer.cannedEmpty')}</p>}
      <ul>
        {items.slice(0, 50).map((item, index) => (
          <li key={item.id}>
            <button
              type="button"
              role="option"
              aria-selected={index === active}
              className={`canned-item${index === active ? ' is-active' : ''}`}
              data-testid="canned-item"
              data-id={item.id}
              data-shortcut={item.shortcut}
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => onPick(item)}
            >
              <span className="canned-shortcut">/{item.shortcut}</span>
              <span className="canned-title">{item.title}</span>
              <span className="canned-text">{item.filled}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}

/** A small built-in set: what agents in Chinese service centres actually use. */
const EMOJI = ['😊', '🙂', '😄', '👍', '🙏', '👌', '❤️', '🎉', '😅', '😔', '🤝', '💪', '✅', '❗', '⏳', '📞', '📧', '🌹', '☕', '👋']

export function EmojiPicker({ onPick }: { onPick(emoji: string): void }) {
  const { t } = useTranslation()
  return (
    <div className="composer-popup emoji-picker" data-testid="emoji-picker" role="listbox" aria-label={t('inbox.composer.emoji')}>
      {EMOJI.map((emoji) => (
        <button key={emoji} type="button" className="emoji-item" data-testid="emoji-item" onMouseDown={(e) => e.preventDefault()} onClick={() => onPick(emoji)}>
          {emoji}
        </button>
      ))}
    </div>
  )
}

/** Search the local KB and insert an article's text (the same text "复制到回复" copies). */
export function KbInsertPicker({ onPick, onClose }: { onPick(text: string): void; onClose(): void }) {
  const { t } = useTranslation()
  const [query, setQuery] = useState('')
  const [hits, setHits] = useState<KbHit[]>([])
  const inputRef = useRef<HTMLInputElement>(null)
  const seq = useRef(0)

  useEffect(() => inputRef.current?.focus(), [])
  useEffect(() => {
    const mine = ++seq.current
    const timer = setTimeout(() => {
      getAgentApi()
        .invoke('kb.search', { query, limit: 8 })
        .then((result) => {
          if (mine === seq.current) setHits(result.hits)
        })
        .catch((err: unknown) => console.warn('KB search failed', toAppError(err)))
    }, 150)
    return () => clearTimeout(timer)
  }, [query])

  async function insert(id: string) {
    try {
      const article = await getAgentApi().invoke('kb.get', { id })
      if (article) onPick(`${article.title}\n${articlePlainText(article.body)}`)
    } catch (err) {
      console.warn('Could not read the article', toAppError(err))
    }
  }

  const titles = useMemo(() => hits.map((h) => ({ id: h.id, title: h.title.map((p) => p.text).join('') })), [hits])
  return (
    <div className="composer-popup kb-picker" data-testid="kb-picker">
      <input
        ref={inputRef}
        className="search-input"
        data-testid="kb-picker-search"
        placeholder={t('inbox.composer.kbSearch')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose()
        }}
      />
      {titles.length === 0 && query.trim() !== '' && <p className="muted">{t('inbox.composer.kbEmpty')}</p>}
      <ul>
        {titles.map((hit) => (
          <li key={hit.id}>
            <button type="button" className="kb-picker-item" data-testid="kb-picker-item" data-id={hit.id} onClick={() => void insert(hit.id)}>
              {hit.title}
            </button>
          </li>
        ))}
      </ul>
    </div>
  )
}
