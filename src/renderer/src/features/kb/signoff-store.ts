import { create } from 'zustand'
import type { AppError } from '../../../../shared/errors'
import type { AgentApi } from '../../../../shared/ipc/agent-api'
import type { Delivery, KbArticleView, PendingSignoff } from '../../../../shared/ipc/views'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { createRefresher } from '../../lib/refresher'
import { useOfflineStore } from '../offline/offline-store'

/** A regulation this agent signed while the pop-up was up, and whether the server has it yet. */
export interface SignedEntry {
  version: number
  delivery: Delivery
}

type ArticleState = 'idle' | 'loading' | 'loaded' | 'missing' | 'failed'

interface SignoffStore {
  /** The main process's latest list of unsigned 规章 (kb.pendingSignoffs / kb.signoffsPending). */
  pending: PendingSignoff[]
  /** What the pop-up lists: the pending ones plus those signed in this round, in a stable order. */
  items: PendingSignoff[]
  signed: Record<string, SignedEntry>
  /** Minimised to the status bar badge; a new regulation or the next sign-in brings it back. */
  minimised: boolean
  loadError: AppError | null
  activeId: string | null
  article: KbArticleView | null
  articleState: ArticleState
  articleError: AppError | null
  signing: Record<string, true>
  signError: { id: string; error: AppError } | null

  load(): Promise<void>
  applyPending(pending: PendingSignoff[]): void
  choose(id: string): Promise<void>
  /** Signs the current version (kb.signoff); offline the main process queues it. Throws an AppError. */
  sign(id: string): Promise<KbArticleView>
  /** Re-reads the delivery state of what was signed in this round (待发送 → 已送达). */
  refreshDeliveries(): Promise<void>
  minimise(): void
  restore(): void
  reset(): void
}

const initial = {
  pending: [],
  items: [],
  signed: {},
  minimised: false,
  loadError: null,
  activeId: null,
  article: null,
  articleState: 'idle',
  articleError: null,
  signing: {},
  signError: null,
} satisfies Partial<SignoffStore>

let articleSeq = 0
/** Counts pending lists received, so a kb.pendingSignoffs answer older than an event is dropped. */
let listsReceived = 0

export function isSigned(item: PendingSignoff, signed: Record<string, SignedEntry>): boolean {
  const entry = signed[item.id]
  return entry !== undefined && entry.version >= item.version
}

/** Regulations still to sign: what the pop-up and the status bar badge count. */
export function unsignedItems(state: Pick<SignoffStore, 'items' | 'signed'>): PendingSignoff[] {
  return state.items.filter((item) => !isSigned(item, state.signed))
}

export const useSignoffStore = create<SignoffStore>()((set, get) => {
  /** Keeps the list order stable, adds newcomers, and ends the round once everything is signed. */
  function rebuild(pending: PendingSignoff[], signed: Record<string, SignedEntry>): void {
    const byId = new Map(pending.map((item) => [item.id, item]))
    const items: PendingSignoff[] = []
    for (const item of get().items) {
      const fresh = byId.get(item.id)
      if (fresh) {
        items.push(fresh)
        byId.delete(item.id)
      } else if (signed[item.id]) {
        items.push(item)
      }
    }
    items.push(...byId.values())
    const unsigned = items.filter((item) => !isSigned(item, signed))
    if (unsigned.length === 0) {
      // All signed: the round is over and the pop-up goes away.
      articleSeq++
      set({ pending, items: [], signed: {}, activeId: null, article: null, articleState: 'idle', articleError: null })
      return
    }
    const previousIds = new Set(get().items.map((item) => item.id))
    // A regulation published later brings a minimised pop-up back; ones that merely arrive page
    // by page during the first sync do not (the agent minimised the list they belong to).
    const firstSync = useOfflineStore.getState().sync?.phase === 'initial'
    const newcomer = !firstSync && unsigned.some((item) => !previousIds.has(item.id))
    set({ pending, items, signed, minimised: newcomer ? false : get().minimised })
    // Keep the open regulation; otherwise open the first one still to sign.
    const active = get().activeId
    if (active === null || !items.some((item) => item.id === active)) void get().choose((unsigned[0] as PendingSignoff).id)
  }

  return {
    ...initial,
    load: async () => {
      const before = listsReceived
      try {
        const pending = await getAgentApi().invoke('kb.pendingSignoffs')
        set({ loadError: null })
        if (listsReceived === before) get().applyPending(pending)
      } catch (err) {
        set({ loadError: toAppError(err) })
      }
    },
    applyPending: (pending) => {
      listsReceived++
      rebuild(pending, get().signed)
    },
    choose: async (id) => {
      const seq = ++articleSeq
      set({ activeId: id, article: null, articleState: 'loading', articleError: null, signError: null })
      try {
        const article = await getAgentApi().invoke('kb.get', { id })
        if (seq !== articleSeq) return
        set(article ? { article, articleState: 'loaded' } : { articleState: 'missing' })
      } catch (err) {
        if (seq !== articleSeq) return
        set({ articleState: 'failed', articleError: toAppError(err) })
      }
    },
    sign: async (id) => {
      set({ signing: { ...get().signing, [id]: true }, signError: null })
      try {
        const article = await getAgentApi().invoke('kb.signoff', { articleId: id })
        const entry: SignedEntry = { version: article.signedVersion ?? article.version, delivery: article.signoffDelivery ?? 'sent' }
        listsReceived++
        if (get().activeId === id) set({ article })
        if (get().items.some((item) => item.id === id)) {
          rebuild(get().pending, { ...get().signed, [id]: entry })
          // On to the next regulation still to sign.
          const next = unsignedItems(get())[0]
          if (next && get().activeId === id) void get().choose(next.id)
        } else {
          // Signed from the KB page outside a round: it simply leaves the list.
          rebuild(get().pending.filter((item) => item.id !== id), get().signed)
        }
        return article
      } catch (err) {
        const error = toAppError(err)
        set({ signError: { id, error } })
        throw error
      } finally {
        const { [id]: _done, ...rest } = get().signing
        set({ signing: rest })
      }
    },
    refreshDeliveries: async () => {
      const waiting = Object.entries(get().signed).filter(([, entry]) => entry.delivery !== 'sent')
      for (const [id] of waiting) {
        try {
          const article = await getAgentApi().invoke('kb.get', { id })
          const entry = get().signed[id]
          if (!article || !entry) continue
          const delivery = article.signoffDelivery ?? (article.signedVersion === article.version ? 'sent' : entry.delivery)
          set({ signed: { ...get().signed, [id]: { ...entry, delivery } } })
          if (get().activeId === id) set({ article })
        } catch (err) {
          console.warn('Could not re-read a sign-off', toAppError(err))
        }
      }
    },
    minimise: () => set({ minimised: true }),
    restore: () => set({ minimised: false }),
    reset: () => {
      articleSeq++
      // An answer still on its way belongs to the previous session.
      listsReceived++
      set(initial)
    },
  }
})

const deliveries = createRefresher(() => useSignoffStore.getState().refreshDeliveries(), 300)
const pendingList = createRefresher(() => useSignoffStore.getState().load(), 1_000)

/**
 * outbox.changed (no entities) or data.changed: 待发送 may have become 已送达; and a synced
 * article or sign-off may change which regulations are still to sign (read again, at most once a
 * second during a first sync, so it does not depend on kb.signoffsPending alone).
 */
export function signoffsMayHaveChanged(entities?: readonly string[]): void {
  if (entities && !entities.includes('kb_signoff') && !entities.includes('kb_article')) return
  if (Object.values(useSignoffStore.getState().signed).some((entry) => entry.delivery !== 'sent')) deliveries.request()
  if (entities) pendingList.request()
}

export function listenToSignoffs(api: AgentApi): () => void {
  return api.on('kb.signoffsPending', (pending) => useSignoffStore.getState().applyPending(pending))
}

export function resetSignoffs(): void {
  deliveries.cancel()
  pendingList.cancel()
  useSignoffStore.getState().reset()
}
