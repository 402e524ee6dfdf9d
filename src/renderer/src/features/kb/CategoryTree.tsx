import { useMemo, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { KbCategoryView } from '../../../../shared/ipc/views'
import { formatCount } from '../../lib/format-time'

interface CategoryNode {
  category: KbCategoryView
  children: CategoryNode[]
}

/** The flat category list as a tree, ordered by `sort`; a category whose parent is missing becomes a root. */
export function buildCategoryTree(categories: readonly KbCategoryView[]): CategoryNode[] {
  const nodes = new Map<string, CategoryNode>(categories.map((category) => [category.id, { category, children: [] }]))
  const roots: CategoryNode[] = []
  for (const node of nodes.values()) {
    const parentId = node.category.parentId
    const parent = parentId !== null && parentId !== node.category.id ? nodes.get(parentId) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  const order = (a: CategoryNode, b: CategoryNode): number => a.category.sort - b.category.sort || a.category.name.localeCompare(b.category.name, 'zh-CN')
  for (const node of nodes.values()) node.children.sort(order)
  return roots.sort(order)
}

interface CategoryTreeProps {
  categories: readonly KbCategoryView[]
  selectedId: string | null
  onSelect(categoryId: string | null): void
}

export function CategoryTree({ categories, selectedId, onSelect }: CategoryTreeProps) {
  const { t } = useTranslation()
  const roots = useMemo(() => buildCategoryTree(categories), [categories])
  // articleCount already includes the subcategories (kb.categories counts the whole subtree).
  const total = roots.reduce((sum, node) => sum + node.category.articleCount, 0)
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())

  function toggle(id: string): void {
    const next = new Set(collapsed)
    if (next.has(id)) next.delete(id)
    else next.add(id)
    setCollapsed(next)
  }

  const renderNode = (node: CategoryNode, depth: number, path: ReadonlySet<string>): ReactNode => {
    const { id, name, articleCount } = node.category
    // A parent cycle in bad data must not recurse forever.
    if (path.has(id)) return null
    const below = new Set(path).add(id)
    const open = !collapsed.has(id)
    const selected = selectedId === id
    return (
      <li key={id} role="treeitem" aria-expanded={node.children.length > 0 ? open : undefined} aria-selected={selected}>
        <div className={`category-row${selected ? ' is-selected' : ''}`} style={{ paddingLeft: depth * 14 }}>
          {node.children.length > 0 ? (
            <button type="button" className="category-toggle" onClick={() => toggle(id)} aria-label={open ? t('kb.collapse') : t('kb.expand')}>
              {open ? '▾' : '▸'}
            </button>
          ) : (
            <span className="category-toggle" aria-hidden="true" />
          )}
          <button
            type="button"
            className="category-button"
            data-testid={`kb-category-${id}`}
            data-count={articleCount}
            aria-pressed={selected}
            onClick={() => onSelect(selected ? null : id)}
          >
            <span className="category-name">{name}</span>
            <span className="category-count">{formatCount(articleCount)}</span>
          </button>
        </div>
        {node.children.length > 0 && open && (
          <ul role="group" className="category-children">
            {node.children.map((child) => renderNode(child, depth + 1, below))}
          </ul>
        )}
      </li>
    )
  }

  return (
    <ul className="category-tree" role="tree" aria-label={t('kb.categories')}>
      <li role="treeitem" aria-selected={selectedId === null}>
        <div className={`category-row${selectedId === null ? ' is-selected' : ''}`}>
          <span className="category-toggle" aria-hidden="true" />
          <button type="button" className="category-button" data-testid="kb-category-all" aria-pressed={selectedId === null} onClick={() => onSelect(null)}>
            <span className="category-name">{t('kb.allCategories')}</span>
            {categories.length > 0 && <span className="category-count">{formatCount(total)}</span>}
          </button>
        </div>
      </li>
      {roots.map((node) => renderNode(node, 0, new Set()))}
    </ul>
  )
}
