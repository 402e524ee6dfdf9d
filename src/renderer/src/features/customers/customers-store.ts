import { create } from 'zustand'
import type { AppError } from '../../../../shared/errors'
import type { CustomerChanges } from '../../../../shared/protocol/sync'
import type { CustomerCard, CustomerSummary } from '../../../../shared/ipc/views'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { createRefresher } from '../../lib/refresher'

const SEARCH_LIMIT = 50

type LoadState = 'idle' | 'loading' | 'loaded' | 'failed'
type CardState = 'idle' | 'loading' | 'loaded' | 'missing' | 'failed'

interface CustomersStore {
  query: string
  results: CustomerSummary[]
  searchState: LoadState
  searchError: AppError | null
  selectedId: string | null
  card: CustomerCard | null
  cardState: CardState
  cardError: AppError | null
  /** Notes added on this desktop in this session: their delivery is worth showing even once sent. */
  localNoteIds: Record<string, true>
  addingNote: boolean
  noteError: AppError | null
  saving: boolean
  saveError: AppError | null
  visible: boolean
  stale: boolean

  setQuery(query: string): Promise<void>
  open(id: string): Promise<void>
  close(): void
  /** Adds a note (customers.addNote); queued by the main process while offline. Returns success. */
  addNote(text: string): Promise<boolean>
  /** Saves the changed fields (customers.update). Returns success. */
  update(changes: CustomerChanges): Promise<boolean>
  setVisible(visible: boolean): void
  refresh(parts: { results?: boolean; card?: boolean }): Promise<void>
  reset(): void
}

const initial = {
  query: '',
  results: [],
  searchState: 'idle',
  searchError: null,
  selectedId: null,
  card: null,
  cardState: 'idle',
  cardError: null,
  localNoteIds: {},
  addingNote: false,
  noteError: null,
  saving: false,
  saveError: null,
  visible: false,
  stale: false,
} satisfies Partial<CustomersStore>

let searchSeq = 0
let cardSeq = 0

export const useCustomersStore = create<CustomersStore>()((set, get) => {
  async function runSearch(query: string, quiet: boolean): Promise<void> {
    const seq = ++searchSeq
    if (query.trim() === '') {
      set({ results: [], searchState: 'idle', searchError: null })
      return
    }
    if (!quiet) set({ searchState: 'loading', searchError: null })
    try {
      const results = await getAgentApi().invoke('customers.search', { query: query.trim(), limit: SEARCH_LIMIT })
      if (seq !== searchSeq) return
      set({ results, searchState: 'loaded', searchError: null })
    } catch (err) {
      if (seq !== searchSeq) return
      if (quiet) console.warn('Could not re-read the customer search', toAppError(err))
      else set({ searchState: 'failed', searchError: toAppError(err) })
    }
  }

  async function readCard(id: string, quiet: boolean): Promise<void> {
    const seq = ++cardSeq
    if (!quiet) set({ cardState: 'loading', cardError: null })
    try {
      const card = await getAgentApi().invoke('customers.get', { id })
      if (seq !== cardSeq || get().selectedId !== id) return
      set(card ? { card, cardState: 'loaded', cardError: null } : { card: null, cardState: 'missing' })
    } catch (err) {
      if (seq !== cardSeq) return
      if (quiet) console.warn('Could not re-read the customer', toAppError(err))
      else set({ cardState: 'failed', cardError: toAppError(err) })
    }
  }

  return {
    ...initial,
    setQuery: async (query) => {
      set({ query })
      await runSearch(query, false)
    },
    open: async (id) => {
      const same = get().selectedId === id && get().card !== null
      set({ selectedId: id, noteError: null, saveError: null, ...(same ? {} : { card: null }) })
      await readCard(id, same)
    },
    close: () => {
      cardSeq++
      set({ selectedId: null, card: null, cardState: 'idle', cardError: null, noteError: null, saveError: null })
    },
    addNote: async (text) => {
      const customerId = get().selectedId
      if (customerId === null || get().addingNote) return false
      set({ addingNote: true, noteError: null })
      try {
        const interaction = await getAgentApi().invoke('customers.addNote', { customerId, text })
        set({ localNoteIds: { ...get().localNoteIds, [interaction.id]: true } })
        const card = get().card
        // Shown at once; data.changed brings the cache's own view of it right after.
        if (card && card.customer.id === customerId && !card.interactions.some((i) => i.id === interaction.id)) {
          set({ card: { ...card, interactions: [interaction, ...card.interactions].sort((a, b) => b.at - a.at) } })
        }
        return true
      } catch (err) {
        set({ noteError: toAppError(err) })
        return false
      } finally {
        set({ addingNote: false })
      }
    },
    update: async (changes) => {
      const customerId = get().selectedId
      if (customerId === null || get().saving) return false
      set({ saving: true, saveError: null })
      try {
        const card = await getAgentApi().invoke('customers.update', { customerId, changes })
        if (get().selectedId === customerId) {
          cardSeq++
          set({ card, cardState: 'loaded' })
        }
        // The list shows name and city too; the next data.changed re-reads it, this is at once.
        const { name, city } = card.customer
        set({ results: get().results.map((r) => (r.id === customerId ? { ...r, name, city } : r)) })
        return true
      } catch (err) {
        set({ saveError: toAppError(err) })
        return false
      } finally {
        set({ saving: false })
      }
    },
    setVisible: (visible) => {
      set({ visible })
      if (visible && get().stale) {
        set({ stale: false })
        void get().refresh({ results: true, card: true })
      }
    },
    refresh: async ({ results = false, card = false }) => {
      const work: Promise<void>[] = []
      if (results && get().searchState === 'loaded') work.push(runSearch(get().query, true))
      const id = get().selectedId
      if (card && id !== null) work.push(readCard(id, true))
      await Promise.all(work)
    },
    reset: () => {
      searchSeq++
      cardSeq++
      set({ ...initial, visible: get().visible })
    },
  }
})

let pendingParts = { results: false, card: false }
const refresher = createRefresher(async () => {
  const parts = pendingParts
  pendingParts = { results: false, card: false }
  await useCustomersStore.getState().refresh(parts)
}, 300)

function requestRefresh(parts: Partial<typeof pendingParts>): void {
  const store = useCustomersStore.getState()
  if (store.searchState !== 'loaded' && store.selectedId === null) return
  if (!store.visible) {
    useCustomersStore.setState({ stale: true })
    return
  }
  pendingParts = { results: pendingParts.results || parts.results === true, card: pendingParts.card || parts.card === true }
  refresher.request()
}

/** data.changed: customers and their interactions. */
export function customersDataChanged(entities: readonly string[]): void {
  const customers = entities.includes('customer')
  const interactions = entities.includes('interaction')
  if (customers || interactions) requestRefresh({ results: customers, card: true })
}

/** outbox.changed: a note or an edit may have been delivered (待发送 → 已送达) or refused. */
export function customersOutboxChanged(): void {
  const card = useCustomersStore.getState().card
  if (!card) return
  const waiting = card.pendingUpdate !== null || card.interactions.some((i) => i.delivery !== 'sent')
  if (waiting) requestRefresh({ card: true })
}

export function resetCustomers(): void {
  refresher.cancel()
  pendingParts = { results: false, card: false }
  useCustomersStore.getState().reset()
}
