import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { SearchInput } from '../../components/SearchInput'
import { isTypingTarget } from '../../lib/text-input'
import { useKbStore } from './kb-store'
import { KbArticlePane } from './KbArticlePane'
import { KbFilters } from './KbFilters'
import { handleResultKeys, KB_RESULTS_ID, KbResults, resultElementId } from './KbResults'

/** 知识库: search as you type (also offline, from the local cache), filters, results, the article. */
export function KnowledgeBasePage() {
  const { t } = useTranslation()
  const query = useKbStore((s) => s.filters.query)
  const setQuery = useKbStore((s) => s.setQuery)
  const setVisible = useKbStore((s) => s.setVisible)
  const selectedId = useKbStore((s) => s.hits[s.selectedIndex]?.id ?? null)
  const searchRef = useRef<HTMLInputElement>(null)

  useEffect(() => {
    setVisible(true)
    return () => setVisible(false)
  }, [setVisible])

  // "/" anywhere on the page (outside a text field or a dialog) jumps to the search box.
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent): void {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return
      if (isTypingTarget(event.target)) return
      if (event.target instanceof Element && event.target.closest('dialog')) return
      event.preventDefault()
      searchRef.current?.focus()
      searchRef.current?.select()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [])

  return (
    <section className="page kb-page" data-testid="kb-page">
      <header className="page-header">
        <h2 className="page-title">{t('kb.title')}</h2>
        <div className="page-search">
          <SearchInput
            initial={query}
            onSearch={setQuery}
            testId="kb-search"
            label={t('kb.searchLabel')}
            placeholder={t('kb.searchPlaceholder')}
            inputRef={searchRef}
            onKeyDown={handleResultKeys}
            ariaControls={KB_RESULTS_ID}
            ariaActiveDescendant={selectedId !== null ? resultElementId(selectedId) : undefined}
            autoFocus
          />
        </div>
      </header>
      <div className="kb-layout">
        <KbFilters />
        <KbResults />
        <KbArticlePane />
      </div>
    </section>
  )
}
