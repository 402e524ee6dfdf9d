import { useEffect, type KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { KbHit } from '../../../../shared/ipc/views'
import { Highlighted } from '../../components/Highlighted'
import { errorText } from '../../i18n/error-text'
import { formatCount, formatDateTime } from '../../lib/format-time'
import { useKbStore } from './kb-store'
import { MandatoryBadge } from './MandatoryBadge'

export const KB_RESULTS_ID = 'kb-results'

export function resultElementId(id: string): string {
  return `kb-result-${id}`
}

/** Arrow keys move through the results and Enter opens one: from the search box or the list. */
export function handleResultKeys(event: KeyboardEvent): void {
  const store = useKbStore.getState()
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault()
    store.moveSelection(event.key === 'ArrowDown' ? 1 : -1)
  } else if (event.key === 'Enter') {
    const hit = store.hits[store.selectedIndex]
    if (hit) {
      event.preventDefault()
      void store.openArticle(hit.id)
    }
  }
}

export function KbResults() {
  const { t } = useTranslation()
  const hits = useKbStore((s) => s.hits)
  const total = useKbStore((s) => s.total)
  const tookMs = useKbStore((s) => s.tookMs)
  const searchState = useKbStore((s) => s.searchState)
  const searchError = useKbStore((s) => s.searchError)
  const loadingMore = useKbStore((s) => s.loadingMore)
  const selectedIndex = useKbStore((s) => s.selectedIndex)
  const openId = useKbStore((s) => s.articleId)
  const loadMore = useKbStore((s) => s.loadMore)

  const selectedId = hits[selectedIndex]?.id ?? null
  useEffect(() => {
    if (selectedId === null) return
    document.getElementById(resultElementId(selectedId))?.scrollIntoView({ block: 'nearest' })
  }, [selectedId])

  return (
    <div className={`kb-results${searchState === 'loading' ? ' is-loading' : ''}`}>
      <div className="kb-results-meta">
        {searchState === 'loaded' || (searchState === 'loading' && hits.length > 0) ? (
          <span className="kb-total" data-testid="kb-total" data-total={total} data-took-ms={tookMs}>
            {t('kb.total', { total: formatCount(total) })}
            <span className="kb-took"> · {t('kb.took', { ms: formatCount(Math.round(tookMs)) })}</span>
          </span>
        ) : (
          <span />
        )}
        <span className="kb-keyboard-hint">{t('kb.keyboardHint')}</span>
      </div>
      {searchState === 'failed' && searchError && (
        <p className="form-error" data-testid="kb-error" data-code={searchError.code} role="alert">
          {t('kb.searchFailed', { error: errorText(t, searchError) })}
        </p>
      )}
      {searchState === 'loading' && hits.length === 0 && <p className="list-placeholder">{t('kb.searching')}</p>}
      {searchState === 'loaded' && hits.length === 0 && (
        <div className="list-placeholder" data-testid="kb-no-results">
          <p>{t('kb.noResults')}</p>
          <p className="muted">{t('kb.noResultsHint')}</p>
        </div>
      )}
      {hits.length > 0 && (
        <ul
          id={KB_RESULTS_ID}
          className="kb-result-list"
          role="listbox"
          tabIndex={0}
          aria-label={t('kb.resultsLabel')}
          aria-activedescendant={selectedId !== null ? resultElementId(selectedId) : undefined}
          onKeyDown={handleResultKeys}
        >
          {hits.map((hit, index) => (
            <KbResult key={hit.id} hit={hit} index={index} selected={index === selectedIndex} open={hit.id === openId} />
          ))}
        </ul>
      )}
      {searchState === 'loaded' && hits.length > 0 && hits.length < total && (
        <button type="button" className="button button--block kb-load-more" data-testid="kb-load-more" onClick={() => void loadMore()} disabled={loadingMore}>
          {loadingMore ? t('kb.loadingMore') : t('kb.loadMore')}
        </button>
      )}
      {searchState === 'loaded' && searchError && (
        <p className="inline-error" role="alert">
          {errorText(t, searchError)}
        </p>
      )}
    </div>
  )
}

function KbResult({ hit, index, selected, open }: { hit: KbHit; index: number; selected: boolean; open: boolean }) {
  const { t } = useTranslation()
  const select = useKbStore((s) => s.select)
  const openArticle = useKbStore((s) => s.openArticle)
  const setTag = useKbStore((s) => s.setTag)
  return (
    <li
      id={resultElementId(hit.id)}
      role="option"
      aria-selected={selected}
      className={`kb-result${selected ? ' is-selected' : ''}${open ? ' is-open' : ''}`}
      data-testid="kb-result"
      data-id={hit.id}
      data-mandatory={hit.mandatory}
      onClick={() => {
        select(index)
        void openArticle(hit.id)
      }}
    >
      <div className="kb-result-head">
        {hit.mandatory && <MandatoryBadge />}
        <span className="kb-result-title" data-testid="kb-result-title">
          <Highlighted pieces={hit.title} />
        </span>
      </div>
      {hit.snippet.length > 0 && (
        <p className="kb-result-snippet" data-testid="kb-result-snippet">
          <Highlighted pieces={hit.snippet} />
        </p>
      )}
      <div className="kb-result-meta">
        <span className="kb-result-category">{hit.categoryName ?? t('kb.uncategorised')}</span>
        {hit.tags.map((tag) => (
          <button
            key={tag}
            type="button"
            className="tag tag--small"
            tabIndex={-1}
            onClick={(event) => {
              event.stopPropagation()
              setTag(tag)
            }}
          >
            {tag}
          </button>
        ))}
        <time className="kb-result-time">{formatDateTime(hit.updatedAt)}</time>
      </div>
    </li>
  )
}
