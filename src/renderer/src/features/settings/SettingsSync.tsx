import { useEffect } from 'react'
import { getAgentApi } from '../../api/agent-api-client'
import { useSettingsStore } from './settings-store'

/**
 * Keeps the settings (and with them the interface language) in step with the agent's synced
 * choices while signed in: read at sign-in, read again whenever a sync or a local change touched them.
 */
export function SettingsSync({ agentId }: { agentId: string }) {
  useEffect(() => {
    const store = useSettingsStore.getState()
    store.reset()
    void store.load()
    const off = getAgentApi().on('data.changed', ({ entities }) => {
      if (entities.includes('setting')) void useSettingsStore.getState().load()
    })
    return off
  }, [agentId])
  return null
}
