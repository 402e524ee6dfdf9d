import { create } from 'zustand'
import type { AppError } from '../../../../shared/errors'
import type { KbArticleView, KbCategoryView, KbHit, KbSearchInput } from '../../../../shared/ipc/views'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { createRefresher } from '../../lib/refresher'
import { useSignoffStore } from './signoff-store'

export const KB_PAGE_SIZE = 20
/** kb.search answers at most this many hits per call. */
const MAX_LIMIT = 100

export interface KbFilters {
  query: string
  categoryId: string | null
  tag: string | null
  mandatoryOnly: boolean
}

export type LoadState = 'idle' | 'loading' | 'loaded' | 'failed'
export type ArticleState = 'idle' | 'loading' | 'loaded' | 'missing' | 'failed'

interface KbStore {
  filters: KbFilters
  hits: KbHit[]
  total: number
  tookMs: number
  searchState: LoadState
  searchError: AppError | null
  loadingMore: boolean
  /** The result the arrow keys point at; -1 for none. */
  selectedIndex: number
  categories: KbCategoryView[]
  categoriesError: AppError | null
  articleId: string | null
  article: KbArticleView | null
  articleState: ArticleState
  articleError: AppError | null
  signing: boolean
  signError: AppError | null
  /** Whether the page is on screen; data changes while it is not are read when it comes back. */
  visible: boolean
  stale: boolean

  setQuery(query: string): void
  setCategory(categoryId: string | null): void
  setTag(tag: string | null): void
  setMandatoryOnly(mandatoryOnly: boolean): void
  search(): Promise<void>
  loadMore(): Promise<void>
  loadCategories(): Promise<void>
  moveSelection(delta: number): void
  select(index: number): void
  openArticle(id: string): Promise<void>
  closeArticle(): void
  sign(): Promise<void>
  setVisible(visible: boolean): void
  /** Re-reads what is on screen without clearing it (after data.changed). */
  refresh(parts: { results?: boolean; categories?: boolean; article?: boolean }): Promise<void>
  reset(): void
}

const initialFilters: KbFilters = { query: '', categoryId: null, tag: null, mandatoryOnly: false }

const initial = {
  filters: initialFilters,
  hits: [],
  total: 0,
  tookMs: 0,
  searchState: 'idle',
  searchError: null,
  loadingMore: false,
  selectedIndex: -1,
  categories: [],
  categoriesError: null,
  articleId: null,
  article: null,
  articleState: 'idle',
  articleError: null,
  signing: false,
  signError: null,
  visible: false,
  stale: false,
} satisfies Partial<KbStore>

/** Each new search, page or article read gets a number; answers to older ones are dropped. */
let searchSeq = 0
let articleSeq = 0

function searchInput(filters: KbFilters, limit: number, offset: number): KbSearchInput {
  const input: KbSearchInput = { query: filters.query.trim(), limit, offset }
  if (filters.categoryId !== null) input.categoryId = filters.categoryId
  if (filters.tag !== null) input.tag = filters.tag
  if (filters.mandatoryOnly) input.mandatoryOnly = true
  return input
}

export const useKbStore = create<KbStore>()((set, get) => {
  function changeFilters(change: Partial<KbFilters>): void {
    set({ filters: { ...get().filters, ...change } })
    void get().search()
  }

  return {
    ...initial,
    setQuery: (query) => changeFilters({ query }),
    setCategory: (categoryId) => changeFilters({ categoryId }),
    setTag: (tag) => changeFilters({ tag }),
    setMandatoryOnly: (mandatoryOnly) => changeFilters({ mandatoryOnly }),

    search: async () => {
      const seq = ++searchSeq
      set({ searchState: 'loading', searchError: null, loadingMore: false })
      try {
        const result = await getAgentApi().invoke('kb.search', searchInput(get().filters, KB_PAGE_SIZE, 0))
        if (seq !== searchSeq) return
        set({ hits: result.hits, total: result.total, tookMs: result.tookMs, searchState: 'loaded', selectedIndex: result.hits.length > 0 ? 0 : -1 })
      } catch (err) {
        if (seq !== searchSeq) return
        set({ searchState: 'failed', searchError: toAppError(err) })
      }
    },

    loadMore: async () => {
      const { hits, total, loadingMore, searchState } = get()
      if (loadingMore || searchState !== 'loaded' || hits.length >= total) return
      const seq = searchSeq
      set({ loadingMore: true })
      try {
        const result = await getAgentApi().invoke('kb.search', searchInput(get().filters, KB_PAGE_SIZE, hits.length))
        if (seq !== searchSeq) {
          set({ loadingMore: false })
          return
        }
        const known = new Set(get().hits.map((hit) => hit.id))
        set({ hits: [...get().hits, ...result.hits.filter((hit) => !known.has(hit.id))], total: result.total, tookMs: result.tookMs, loadingMore: false })
      } catch (err) {
        set(seq !== searchSeq ? { loadingMore: false } : { loadingMore: false, searchError: toAppError(err) })
      }
    },

    loadCategories: async () => {
      try {
        set({ categories: await getAgentApi().invoke('kb.categories'), categoriesError: null })
      } catch (err) {
        set({ categoriesError: toAppError(err) })
      }
    },

    moveSelection: (delta) => {
      const { hits, selectedIndex } = get()
      if (hits.length === 0) return
      const next = selectedIndex < 0 ? (delta > 0 ? 0 : hits.length - 1) : Math.min(hits.length - 1, Math.max(0, selectedIndex + delta))
      set({ selectedIndex: next })
    },
    select: (index) => set({ selectedIndex: index }),

    openArticle: async (id) => {
      const seq = ++articleSeq
      const same = get().articleId === id && get().article !== null
      set({ articleId: id, articleState: same ? 'loaded' : 'loading', articleError: null, signError: null, ...(same ? {} : { article: null }) })
      try {
        const article = await getAgentApi().invoke('kb.get', { id })
        if (seq !== articleSeq) return
        set(article ? { article, articleState: 'loaded' } : { article: null, articleState: 'missing' })
      } catch (err) {
        if (seq !== articleSeq) return
        set({ articleState: 'failed', articleError: toAppError(err) })
      }
    },
    closeArticle: () => {
      articleSeq++
      set({ articleId: null, article: null, articleState: 'idle', articleError: null, signError: null })
    },

    sign: async () => {
      const article = get().article
      if (!article || get().signing) return
      set({ signing: true, signError: null })
      try {
        const signed = await useSignoffStore.getState().sign(article.id)
        if (get().articleId === signed.id) set({ article: signed })
      } catch (err) {
        set({ signError: toAppError(err) })
      } finally {
        set({ signing: false })
      }
    },

    setVisible: (visible) => {
      set({ visible })
      if (!visible) return
      if (get().searchState === 'idle') {
        void get().search()
        void get().loadCategories()
      } else if (get().stale) {
        set({ stale: false })
        void get().refresh({ results: true, categories: true, article: true })
      }
    },

    refresh: async ({ results = false, categories = false, article = false }) => {
      const work: Promise<unknown>[] = []
      if (categories) work.push(get().loadCategories())
      if (article && get().articleId !== null) work.push(rereadArticle())
      if (results && get().searchState === 'loaded') work.push(rereadResults())
      await Promise.all(work)
    },

    reset: () => {
      searchSeq++
      articleSeq++
      set({ ...initial, visible: get().visible })
    },
  }

  async function rereadArticle(): Promise<void> {
    const id = get().articleId
    if (id === null) return
    const seq = ++articleSeq
    try {
      const article = await getAgentApi().invoke('kb.get', { id })
      if (seq !== articleSeq) return
      set(article ? { article, articleState: 'loaded' } : { article: null, articleState: 'missing' })
    } catch (err) {
      // Keep what is on screen; the next change or a click reads again.
      console.warn('Could not re-read the article', toAppError(err))
    }
  }

  /** The same search again, as many hits as are loaded, keeping the selection on the same article. */
  async function rereadResults(): Promise<void> {
    const seq = ++searchSeq
    const filters = get().filters
    const wanted = Math.max(KB_PAGE_SIZE, get().hits.length)
    const selectedId = get().hits[get().selectedIndex]?.id ?? null
    try {
      const hits: KbHit[] = []
      let total = 0
      let tookMs = 0
      while (hits.length < wanted) {
        const limit = Math.min(MAX_LIMIT, wanted - hits.length)
        const page = await getAgentApi().invoke('kb.search', searchInput(filters, limit, hits.length))
        if (seq !== searchSeq) return
        hits.push(...page.hits)
        total = page.total
        tookMs += page.tookMs
        if (page.hits.length < limit) break
      }
      const index = selectedId === null ? -1 : hits.findIndex((hit) => hit.id === selectedId)
      set({ hits, total, tookMs, selectedIndex: index >= 0 ? index : hits.length > 0 ? 0 : -1, searchError: null })
    } catch (err) {
      if (seq !== searchSeq) return
      console.warn('Could not re-read the search results', toAppError(err))
    }
  }
})

const KB_ENTITIES = new Set(['kb_article', 'kb_category', 'kb_signoff'])

let pendingParts = { results: false, categories: false, article: false }
const refresher = createRefresher(async () => {
  const parts = pendingParts
  pendingParts = { results: false, categories: false, article: false }
  await useKbStore.getState().refresh(parts)
}, 300)

function requestRefresh(parts: Partial<typeof pendingParts>): void {
  const store = useKbStore.getState()
  if (store.searchState === 'idle' && store.articleId === null) return
  if (!store.visible) {
    useKbStore.setState({ stale: true })
    return
  }
  pendingParts = {
    results: pendingParts.results || parts.results === true,
    categories: pendingParts.categories || parts.categories === true,
    article: pendingParts.article || parts.article === true,
  }
  refresher.request()
}

/** data.changed: re-read what shows the entities that changed. */
export function kbDataChanged(entities: readonly string[]): void {
  if (!entities.some((entity) => KB_ENTITIES.has(entity))) return
  const articles = entities.includes('kb_article')
  requestRefresh({
    results: articles || entities.includes('kb_category'),
    categories: articles || entities.includes('kb_category'),
    article: articles || entities.includes('kb_signoff'),
  })
}

/** outbox.changed: an open article's sign-off may have been delivered (待发送 → 已送达). */
export function kbOutboxChanged(): void {
  const { article } = useKbStore.getState()
  if (article?.mandatory) requestRefresh({ article: true })
}

export function resetKb(): void {
  refresher.cancel()
  pendingParts = { results: false, categories: false, article: false }
  useKbStore.getState().reset()
}
