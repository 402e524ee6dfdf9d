import { create } from 'zustand'
import type { AttachmentRef, DispositionCodeRecord } from '../../../../shared/domain/conversations'
import type { AppError } from '../../../../shared/errors'
import type { CannedResponseView, ConversationView, MessageView } from '../../../../shared/ipc/inbox-views'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { createRefresher } from '../../lib/refresher'

/** Messages read at a time; a conversation of thousands pages back on demand. */
const MESSAGE_PAGE = 200

type LoadState = 'idle' | 'loading' | 'loaded' | 'missing' | 'failed'

interface ConversationStore {
  openId: string | null
  view: ConversationView | null
  messages: MessageView[]
  hasOlder: boolean
  total: number
  loadState: LoadState
  error: AppError | null
  loadingOlder: boolean
  busy: boolean
  actionError: AppError | null
  canned: CannedResponseView[]
  dispositions: DispositionCodeRecord[]
  visible: boolean
  stale: boolean

  open(id: string | null): Promise<void>
  loadOlder(): Promise<void>
  /** Reply or private note; shown at once (待发送 while offline). Returns success. */
  send(kind: 'reply' | 'note', text: string, replyToId: string | null, attachments?: AttachmentRef[]): Promise<boolean>
  act(action: ConversationAction): Promise<boolean>
  loadComposerLists(): Promise<void>
  refresh(): Promise<void>
  setVisible(visible: boolean): void
  reset(): void
}

export type ConversationAction =
  | { type: 'accept' | 'decline' | 'reopen' | 'markRead' }
  | { type: 'resolve'; disposition: string; note: string }
  | { type: 'transfer'; toAgentId: string | null; toSkillGroupId: string | null; note: string }
  | { type: 'snooze'; until: number | null }
  | { type: 'linkCustomer'; customerId: string }

const initial = {
  openId: null,
  view: null,
  messages: [],
  hasOlder: false,
  total: 0,
  loadState: 'idle' as LoadState,
  error: null,
  loadingOlder: false,
  busy: false,
  actionError: null,
  canned: [],
  dispositions: [],
  visible: false,
  stale: false,
}

let readSeq = 0

function merge(older: MessageView[], newer: MessageView[]): MessageView[] {
  const byId = new Map<string, MessageView>()
  for (const m of older) byId.set(m.id, m)
  for (const m of newer) byId.set(m.id, m)
  return [...byId.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

export const useConversationStore = create<ConversationStore>()((set, get) => {
  /** Reads the conversation and its newest messages; keeps older pages already loaded. */
  async function read(id: string, quiet: boolean): Promise<void> {
    const seq = ++readSeq
    if (!quiet) set({ loadState: 'loading', error: null })
    try {
      const api = getAgentApi()
      const [view, page] = await Promise.all([api.invoke('inbox.get', { id }), api.invoke('inbox.messages', { conversationId: id, limit: MESSAGE_PAGE })])
      if (seq !== readSeq || get().openId !== id) return
      if (!view) {
        set({ view: null, messages: [], loadState: 'missing' })
        return
      }
      const oldestNew = page.messages[0]
      // Older pages the agent scrolled to stay; the newest page replaces its own range.
      const kept = quiet && oldestNew ? get().messages.filter((m) => m.createdAt < oldestNew.createdAt) : []
      set({
        view,
        messages: merge(kept, page.messages),
        hasOlder: quiet && kept.length > 0 ? get().hasOlder : page.hasMore,
        total: page.total,
        loadState: 'loaded',
        error: null,
      })
    } catch (err) {
      if (seq !== readSeq) return
      if (quiet) console.warn('Could not re-read the conversation', toAppError(err))
      else set({ loadState: 'failed', error: toAppError(err) })
    }
  }

  return {
    ...initial,
    open: async (id) => {
      if (id === get().openId && get().loadState === 'loaded') return
      readSeq++
      set({ ...initial, canned: get().canned, dispositions: get().dispositions, visible: get().visible, openId: id })
      if (id === null) return
      await read(id, false)
      // Canned responses are filled for this conversation's customer.
      void get().loadComposerLists()
      const view = get().view
      // Opening it is reading it: the unread count goes, and the server hears so.
      if (view && view.conversation.unread > 0 && view.mine) void get().act({ type: 'markRead' })
    },
    loadOlder: async () => {
      const { openId, messages, loadingOlder, hasOlder } = get()
      const oldest = messages[0]
      if (openId === null || loadingOlder || !hasOlder || !oldest) return
      set({ loadingOlder: true })
      try {
        const page = await getAgentApi().invoke('inbox.messages', {
          conversationId: openId,
          before: { createdAt: oldest.createdAt, id: oldest.id },
          limit: MESSAGE_PAGE,
        })
        if (get().openId !== openId) return
        set({ messages: merge(page.messages, get().messages), hasOlder: page.hasMore })
      } catch (err) {
        set({ actionError: toAppError(err) })
      } finally {
        set({ loadingOlder: false })
      }
    },
    send: async (kind, text, replyToId, attachments = []) => {
      const conversationId = get().openId
      if (conversationId === null || get().busy) return false
      set({ busy: true, actionError: null })
      try {
        const message = await getAgentApi().invoke(kind === 'reply' ? 'inbox.reply' : 'inbox.note', { conversationId, text, replyToId, attachments })
        if (get().openId === conversationId) set({ messages: merge(get().messages, [message]), total: get().total + 1 })
        return true
      } catch (err) {
        set({ actionError: toAppError(err) })
        return false
      } finally {
        set({ busy: false })
      }
    },
    act: async (action) => {
      const conversationId = get().openId
      if (conversationId === null) return false
      if (action.type !== 'markRead') set({ busy: true, actionError: null })
      try {
        const api = getAgentApi()
        let view: ConversationView
        switch (action.type) {
          case 'accept':
          case 'decline':
          case 'reopen':
          case 'markRead':
            view = await api.invoke(`inbox.${action.type}`, { conversationId })
            break
          case 'resolve':
            view = await api.invoke('inbox.resolve', { conversationId, disposition: action.disposition, note: action.note })
            break
          case 'transfer':
            view = await api.invoke('inbox.transfer', { conversationId, toAgentId: action.toAgentId, toSkillGroupId: action.toSkillGroupId, note: action.note })
            break
          case 'snooze':
            view = await api.invoke('inbox.snooze', { conversationId, until: action.until })
            break
          case 'linkCustomer':
            view = await api.invoke('inbox.linkCustomer', { conversationId, customerId: action.customerId })
            break
        }
        if (get().openId === conversationId) set({ view })
        return true
      } catch (err) {
        if (action.type === 'markRead') console.warn('Could not mark the conversation read', toAppError(err))
        else set({ actionError: toAppError(err) })
        return false
      } finally {
        if (action.type !== 'markRead') set({ busy: false })
      }
    },
    loadComposerLists: async () => {
      const forId = get().openId
      try {
        const api = getAgentApi()
        const [canned, dispositions] = await Promise.all([api.invoke('inbox.cannedResponses', { conversationId: forId }), api.invoke('inbox.dispositionCodes')])
        // Filled for another conversation than the one now open: a newer read follows.
        if (get().openId === forId) set({ canned, dispositions })
      } catch (err) {
        console.warn('Could not read canned responses', toAppError(err))
      }
    },
    refresh: async () => {
      const id = get().openId
      if (id === null) return
      const customerBefore = get().view?.conversation.customerId
      await read(id, true)
      if (get().view?.conversation.customerId !== customerBefore) void get().loadComposerLists()
      // A customer message arriving while the agent looks at the conversation is read at once.
      const view = get().view
      if (view && view.conversation.id === id && view.mine && view.conversation.unread > 0 && get().visible) void get().act({ type: 'markRead' })
    },
    setVisible: (visible) => {
      set({ visible })
      if (visible && get().stale) {
        set({ stale: false })
        void get().refresh()
      }
    },
    reset: () => {
      readSeq++
      set({ ...initial, visible: get().visible })
    },
  }
})

const refresher = createRefresher(() => useConversationStore.getState().refresh(), 200)

function requestRefresh(): void {
  const store = useConversationStore.getState()
  if (store.openId === null) return
  if (!store.visible) {
    useConversationStore.setState({ stale: true })
    return
  }
  refresher.request()
}

export function conversationDataChanged(entities: readonly string[]): void {
  if (entities.includes('conversation') || entities.includes('message') || entities.includes('customer')) requestRefresh()
  if (entities.includes('canned_response') || entities.includes('disposition_code')) void useConversationStore.getState().loadComposerLists()
}

/** A reply went from 待发送 to the server (or was refused). */
export function conversationOutboxChanged(): void {
  const { messages, view } = useConversationStore.getState()
  if ((view?.pendingOps ?? 0) > 0 || messages.some((m) => m.delivery === 'queued' || m.delivery === 'conflict')) requestRefresh()
}

export function resetConversation(): void {
  refresher.cancel()
  useConversationStore.getState().reset()
}
