import type { AgentApi, AgentApiTransport } from '../../../shared/ipc/agent-api'
import { BRIDGE_PATH } from '../../../shared/ipc/bridge-protocol'
import { createAgentApi } from '../../../shared/ipc/typed-client'
import { useBridgeStatus } from './bridge-status'
import { withContractChecks } from './contract-checks'
import { forgetLaunchSecret, restartOnNewLaunchLink, takeLaunchSecret } from './launch-secret'
import { bridgeUrlFor, createWebBridgeTransport } from './web-bridge-transport'

let api: AgentApi | null = null

/** The typed AgentApi, over Electron's preload when present, otherwise over the web bridge. */
export function getAgentApi(): AgentApi {
  api ??= createAgentApi(withContractChecks(selectTransport()))
  return api
}

function selectTransport(): AgentApiTransport {
  const { update } = useBridgeStatus.getState()
  if (window.agentApi) {
    update({ phase: 'ready', refusal: null })
    return window.agentApi
  }
  restartOnNewLaunchLink()
  return createWebBridgeTransport({
    url: bridgeUrlFor(location, BRIDGE_PATH),
    secret: takeLaunchSecret(),
    onStatus: (status) => {
      // A refused secret stays refused; keeping it would only outlive its use.
      if (status.refusal === 'bad_secret') forgetLaunchSecret()
      update(status)
    },
  })
}
