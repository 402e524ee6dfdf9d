import { create } from 'zustand'
import type { ConversationChannel } from '../../../../shared/domain/conversations'
import type { AppError } from '../../../../shared/errors'
import type { ConversationSummary, InboxCounts, InboxFilter, InboxSort } from '../../../../shared/ipc/inbox-views'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { createRefresher } from '../../lib/refresher'

/**
 * The conversation list. The cache may hold 10,000 conversations, so the list is read in pages
 * of PAGE_SIZE as the virtual list scrolls to them; a change re-reads only the pages on screen
 * (and the counts), and forgets the others, which are read again when scrolled to.
 */
export const PAGE_SIZE = 100

const EMPTY_COUNTS: InboxCounts = { all: 0, mine: 0, offered: 0, queued: 0, waiting: 0, snoozed: 0, resolved: 0 }

type LoadState = 'idle' | 'loading' | 'loaded' | 'failed'

interface InboxStore {
  filter: InboxFilter
  channel: ConversationChannel | null
  sort: InboxSort
  total: number
  counts: InboxCounts
  unread: number
  /** Loaded pages by page number. */
  pages: Record<number, ConversationSummary[]>
  loadState: LoadState
  error: AppError | null
  selectedId: string | null
  /** The row of the selection in the current list, for keyboard moves; -1 when not in it. */
  selectedIndex: number
  visible: boolean
  stale: boolean

  setFilter(filter: InboxFilter): void
  setChannel(channel: ConversationChannel | null): void
  setSort(sort: InboxSort): void
  /** The virtual list shows rows first…last: read the pages they are on. */
  showRange(first: number, last: number): void
  itemAt(index: number): ConversationSummary | undefined
  select(id: string | null, index?: number): void
  /** Moves the selection by `delta` rows (j/k, arrows); loads the page it lands on. */
  move(delta: number): Promise<void>
  refresh(): Promise<void>
  setVisible(visible: boolean): void
  reset(): void
}

const initial = {
  filter: 'all' as InboxFilter,
  channel: null,
  sort: 'priority' as InboxSort,
  total: 0,
  counts: EMPTY_COUNTS,
  unread: 0,
  pages: {},
  loadState: 'idle' as LoadState,
  error: null,
  selectedId: null,
  selectedIndex: -1,
  visible: false,
  stale: false,
}

/** Bumped whenever the query changes: answers to an older query are dropped. */
let generation = 0
let shownRange: [number, number] = [0, PAGE_SIZE - 1]
const inFlight = new Set<string>()
/** The newest read of each page: an older answer arriving later is dropped. */
const latestRead = new Map<number, number>()
let readCounter = 0
/**
 * Reads for rows scrolled to run at most this many at a time; the others wait, and one whose page
 * has left the screen by its turn is dropped. Without this a fast scroll through 10,000 rows asked
 * for every page it passed, and the rows where it stopped stayed blank until all of those had been
 * read (10–20 s in npm run bench).
 */
const SCROLL_READS_AT_ONCE = 2
let scrollReadsRunning = 0
/** Pages waiting for a scroll read, oldest first, with the generation they were asked in. */
const waitingPages = new Map<number, number>()

export const useInboxStore = create<InboxStore>()((set, get) => {
  /** `force`: read even if a read of the page is under way (it may have started before the change). */
  async function readPage(page: number, gen: number, force = false): Promise<void> {
    const key = `${gen}:${page}`
    if (inFlight.has(key) && !force) return
    inFlight.add(key)
    const seq = ++readCounter
    latestRead.set(page, seq)
    try {
      const { filter, channel, sort } = get()
      const result = await getAgentApi().invoke('inbox.list', { filter, channel, sort, offset: page * PAGE_SIZE, limit: PAGE_SIZE })
      if (gen !== generation || latestRead.get(page) !== seq) return
      set({ pages: { ...get().pages, [page]: result.items }, total: result.total, counts: result.counts, unread: result.unread, loadState: 'loaded', error: null })
      locateSelection()
    } catch (err) {
      if (gen !== generation || latestRead.get(page) !== seq) return
      set({ loadState: 'failed', error: toAppError(err) })
    } finally {
      inFlight.delete(key)
    }
  }

  function pagesOf(first: number, last: number): number[] {
    const pages: number[] = []
    for (let p = Math.floor(Math.max(0, first) / PAGE_SIZE); p <= Math.floor(Math.max(0, last) / PAGE_SIZE); p++) pages.push(p)
    return pages
  }

  /** A read for rows scrolled to: queued, and dropped if they are off screen by its turn. */
  function requestPage(page: number, gen: number): void {
    waitingPages.delete(page)
    waitingPages.set(page, gen)
    pumpScrollReads()
  }

  function pumpScrollReads(): void {
    while (scrollReadsRunning < SCROLL_READS_AT_ONCE && waitingPages.size > 0) {
      const [page, gen] = waitingPages.entries().next().value as [number, number]
      waitingPages.delete(page)
      if (gen !== generation || get().pages[page] || !pagesOf(shownRange[0], shownRange[1]).includes(page)) continue
      scrollReadsRunning++
      void readPage(page, gen).finally(() => {
        scrollReadsRunning--
        pumpScrollReads()
      })
    }
  }

  function locateSelection(): void {
    const { selectedId, pages } = get()
    if (selectedId === null) return
    for (const [page, items] of Object.entries(pages)) {
      const at = items.findIndex((c) => c.id === selectedId)
      if (at >= 0) {
        const index = Number(page) * PAGE_SIZE + at
        if (index !== get().selectedIndex) set({ selectedIndex: index })
        return
      }
    }
    // Not in this list any more (accepted, resolved, filtered out): keys start from the top.
    if (get().selectedIndex !== -1) set({ selectedIndex: -1 })
  }

  function restart(): void {
    generation++
    shownRange = [0, PAGE_SIZE - 1]
    set({ pages: {}, total: 0, loadState: 'loading', error: null, selectedIndex: -1 })
    void readPage(0, generation)
  }

  return {
    ...initial,
    setFilter: (filter) => {
      if (filter === get().filter) {
        void get().refresh()
        return
      }
      set({ filter })
      restart()
    },
    setChannel: (channel) => {
      set({ channel })
      restart()
    },
    setSort: (sort) => {
      set({ sort })
      restart()
    },
    showRange: (first, last) => {
      shownRange = [first, last]
      const { pages } = get()
      for (const page of pagesOf(first, last)) if (!pages[page]) requestPage(page, generation)
    },
    itemAt: (index) => get().pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE],
    select: (id, index) => set({ selectedId: id, selectedIndex: index ?? (id === null ? -1 : get().selectedIndex) }),
    move: async (delta) => {
      const { total, selectedIndex } = get()
      if (total === 0) return
      const target = Math.min(total - 1, Math.max(0, selectedIndex < 0 ? 0 : selectedIndex + delta))
      const page = Math.floor(target / PAGE_SIZE)
      if (!get().pages[page]) await readPage(page, generation)
      const item = get().itemAt(target)
      if (item) set({ selectedId: item.id, selectedIndex: target })
    },
    refresh: async () => {
      const gen = generation
      const wanted = pagesOf(shownRange[0], shownRange[1])
      if (get().loadState === 'idle') set({ loadState: 'loading' })
      // Pages off screen are forgotten: rows move between pages when anything changes.
      const keep = Object.fromEntries(Object.entries(get().pages).filter(([page]) => wanted.includes(Number(page))))
      set({ pages: keep })
      await Promise.all((wanted.length > 0 ? wanted : [0]).map((page) => readPage(page, gen, true)))
    },
    setVisible: (visible) => {
      set({ visible })
      if (visible && (get().stale || get().loadState === 'idle')) {
        set({ stale: false })
        void get().refresh()
      }
    },
    reset: () => {
      generation++
      inFlight.clear()
      set({ ...initial, visible: get().visible })
    },
  }
})

const refresher = createRefresher(() => useInboxStore.getState().refresh(), 250)

function requestRefresh(): void {
  const store = useInboxStore.getState()
  if (!store.visible) {
    useInboxStore.setState({ stale: true })
    return
  }
  refresher.request()
}

/** data.changed: conversations or messages in the cache changed (a sync page or a local action). */
export function inboxListDataChanged(entities: readonly string[]): void {
  if (entities.includes('conversation') || entities.includes('message') || entities.includes('customer')) requestRefresh()
}

/** outbox.changed: a queued action was delivered or refused ("待同步" marks change). */
export function inboxListOutboxChanged(): void {
  const pages = Object.values(useInboxStore.getState().pages)
  if (pages.some((items) => items.some((c) => c.pendingOps > 0))) requestRefresh()
}

export function resetInboxList(): void {
  refresher.cancel()
  useInboxStore.getState().reset()
}
