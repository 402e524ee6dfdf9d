import { create } from 'zustand'

export type ToastKind = 'success' | 'info' | 'error'

export interface Toast {
  id: number
  kind: ToastKind
  text: string
}

interface ToastStore {
  toasts: Toast[]
  show(text: string, kind?: ToastKind): void
  dismiss(id: number): void
}

const SHOW_FOR_MS = 4_000
const MAX_TOASTS = 3
let nextId = 1

/** Short confirmations ("已复制到剪贴板") that go away by themselves. */
export const useToastStore = create<ToastStore>()((set, get) => ({
  toasts: [],
  show: (text, kind = 'success') => {
    const id = nextId++
    set({ toasts: [...get().toasts, { id, kind, text }].slice(-MAX_TOASTS) })
    setTimeout(() => get().dismiss(id), kind === 'error' ? SHOW_FOR_MS * 2 : SHOW_FOR_MS)
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((toast) => toast.id !== id) }),
}))

export function showToast(text: string, kind?: ToastKind): void {
  useToastStore.getState().show(text, kind)
}
