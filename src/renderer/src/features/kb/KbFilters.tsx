import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { errorText } from '../../i18n/error-text'
import { CategoryTree } from './CategoryTree'
import { useKbStore } from './kb-store'

const MAX_TAGS = 24

/** Category tree with counts, 规章 only, and tags (those in the loaded results, most frequent first). */
export function KbFilters() {
  const { t } = useTranslation()
  const categories = useKbStore((s) => s.categories)
  const categoriesError = useKbStore((s) => s.categoriesError)
  const filters = useKbStore((s) => s.filters)
  const hits = useKbStore((s) => s.hits)
  const setCategory = useKbStore((s) => s.setCategory)
  const setTag = useKbStore((s) => s.setTag)
  const setMandatoryOnly = useKbStore((s) => s.setMandatoryOnly)

  const tags = useMemo(() => {
    const counts = new Map<string, number>()
    for (const hit of hits) for (const tag of hit.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1)
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'zh-CN'))
      .slice(0, MAX_TAGS)
      .map(([tag]) => tag)
  }, [hits])

  return (
    <aside className="kb-filters" aria-label={t('kb.filters')}>
      <label className="checkbox-field">
        <input type="checkbox" data-testid="kb-mandatory-only" checked={filters.mandatoryOnly} onChange={(event) => setMandatoryOnly(event.target.checked)} />
        <span>{t('kb.mandatoryOnly')}</span>
      </label>

      <h3 className="filter-heading">{t('kb.categories')}</h3>
      {categoriesError && <p className="inline-error">{errorText(t, categoriesError)}</p>}
      <CategoryTree categories={categories} selectedId={filters.categoryId} onSelect={setCategory} />

      <h3 className="filter-heading">{t('kb.tags')}</h3>
      {filters.tag !== null && (
        <button type="button" className="tag tag--active" data-testid="kb-tag-active" data-tag={filters.tag} onClick={() => setTag(null)} title={t('kb.clearTag')}>
          {t('kb.tagFilter', { tag: filters.tag })} ×
        </button>
      )}
      {tags.length === 0 ? (
        filters.tag === null && <p className="filter-note">{t('kb.noTags')}</p>
      ) : (
        <div className="tag-cloud" title={t('kb.tagsHint')}>
          {tags
            .filter((tag) => tag !== filters.tag)
            .map((tag) => (
              <button key={tag} type="button" className="tag" data-testid="kb-tag" data-tag={tag} onClick={() => setTag(tag)}>
                {tag}
              </button>
            ))}
        </div>
      )}
    </aside>
  )
}
