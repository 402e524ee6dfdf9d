import { create } from 'zustand'
import type { Role } from '../../../../shared/domain/agent'

export const views = ['inbox', 'phone', 'kb', 'customers', 'tickets', 'team', 'settings'] as const
export type View = (typeof views)[number]

/** Views that only some roles may open; the rest are open to everyone signed in. */
const restrictedViews: Partial<Record<View, readonly Role[]>> = {
  team: ['lead', 'admin'],
}

export function canOpen(view: View, role: Role): boolean {
  return restrictedViews[view]?.includes(role) ?? true
}

interface NavigationStore {
  view: View
  go(view: View): void
}

export const useNavigation = create<NavigationStore>()((set) => ({
  view: 'inbox',
  go: (view) => set({ view }),
}))
