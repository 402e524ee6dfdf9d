import { create } from 'zustand'
import type { AgentSettingChange, SettingsView } from '../../../../shared/domain/settings'
import type { AppError } from '../../../../shared/errors'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { changeLanguage, currentLanguage } from '../../i18n'

type LoadState = 'idle' | 'loading' | 'loaded' | 'failed'

interface SettingsStore {
  view: SettingsView | null
  loadState: LoadState
  loadError: AppError | null
  saveError: AppError | null
  load(): Promise<void>
  /** Shows the change at once; the desktop queues it for the server (works offline). */
  set(change: AgentSettingChange): Promise<void>
  reset(): void
}

export const useSettingsStore = create<SettingsStore>()((set, get) => ({
  view: null,
  loadState: 'idle',
  loadError: null,
  saveError: null,

  load: async () => {
    if (get().loadState === 'idle') set({ loadState: 'loading' })
    try {
      const view = await getAgentApi().invoke('settings.get')
      set({ view, loadState: 'loaded', loadError: null })
      followLanguage(view)
    } catch (err) {
      set({ loadState: get().view ? 'loaded' : 'failed', loadError: toAppError(err) })
    }
  },

  set: async (change) => {
    // Shown at once (the cache answers in milliseconds, but a checkbox must not lag behind the click).
    const before = get().view
    if (before) set({ view: { ...before, agent: { ...before.agent, [change.key]: change.value } } })
    set({ saveError: null })
    try {
      const view = await getAgentApi().invoke('settings.set', change)
      set({ view, loadState: 'loaded' })
      followLanguage(view)
    } catch (err) {
      set({ saveError: toAppError(err), view: before })
    }
  },

  reset: () => set({ view: null, loadState: 'idle', loadError: null, saveError: null }),
}))

/** The agent's language follows them from machine to machine: the synced choice wins over this one's. */
function followLanguage(view: SettingsView): void {
  // A language never chosen is the default, not a choice: this desktop keeps what it shows.
  if (!view.chosenKeys.includes('ui.language')) return
  const language = view.agent['ui.language']
  if (language !== currentLanguage()) void changeLanguage(language)
}

/** The language switch: shown at once, stored for the agent (synced to their other desktops). */
export async function chooseLanguage(language: 'zh-CN' | 'en'): Promise<void> {
  const saved = useSettingsStore.getState().set({ key: 'ui.language', value: language })
  await changeLanguage(language)
  await saved
}

/** The agent's notification preferences for whoever announces new work (defaults until settings are read). */
export function notificationPreferences(): { sound: boolean; desktop: boolean } {
  const agent = useSettingsStore.getState().view?.agent
  return { sound: agent?.['notify.sound'] ?? true, desktop: agent?.['notify.desktop'] ?? true }
}
