/**
 * The agent's settings: the centre's values and their own preferences, from the cache. A change
 * of preference is shown at once and queued (settings.set), so it works offline and reaches the
 * agent's other desktops through the server.
 */
import { randomUUID } from 'node:crypto'
import type { AgentSettingChange, SettingsView } from '../../../shared/domain/settings'
import type { LocalCache } from '../cache/local-cache'

export const SETTINGS_ENTITIES = ['setting']

export class SettingsWorkspace {
  constructor(
    private readonly cache: LocalCache,
    /** Announce the queued change and try to send it now. */
    private readonly afterLocalAction: (entities: string[]) => void,
  ) {}

  get(): Promise<SettingsView> {
    return this.cache.settings()
  }

  async set(change: AgentSettingChange): Promise<SettingsView> {
    const current = await this.cache.settings()
    // The same value again is not an action: nothing to queue or to sync.
    if (current.agent[change.key] === change.value) return current
    const view = await this.cache.setSetting({ id: randomUUID(), type: 'settings.set', payload: change, createdAt: Date.now() })
    this.afterLocalAction(SETTINGS_ENTITIES)
    return view
  }
}
