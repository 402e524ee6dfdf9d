import { EventEmitter } from 'node:events'
import type { AgentApiEvent, AgentApiEventPayload } from '../../shared/ipc/agent-api'
import { createApiRouter, type AgentApiHandlers } from './api-router'
import { ServerConnection, type ServerConnectionOptions } from './connection/server-connection'
import { LocalSettingsStore } from './local-settings'
import type { AgentApiEventListener, MainServices, MainServicesOptions } from './main-services.types'
import { AgentSession } from './session/agent-session'

export interface MainServicesTestOptions {
  connection?: ServerConnectionOptions
  onInternalError?: (method: string, err: unknown) => void
}

/** Builds every main-process service and the AgentApi router over them. No Electron here. */
export async function createMainServices(options: MainServicesOptions, testOptions: MainServicesTestOptions = {}): Promise<MainServices> {
  const settings = new LocalSettingsStore(options.dataDir)
  const connection = new ServerConnection(testOptions.connection)
  const session = new AgentSession(connection)

  const events = new EventEmitter()
  const emit = <E extends AgentApiEvent>(event: E, payload: AgentApiEventPayload<E>) => events.emit('event', event, payload)
  session.on('connection', (status) => emit('connection.changed', status))
  session.on('session', (snapshot) => emit('session.changed', snapshot))
  session.on('presence', (presence) => emit('agentState.changed', presence))
  session.on('teamMember', (member) => emit('team.memberChanged', member))

  const handlers: AgentApiHandlers = {
    'app.info': async () => ({
      version: options.appVersion,
      host: options.host,
      defaultServerUrl: (await settings.read()).lastServerUrl ?? options.defaultServerUrl,
    }),
    'session.get': async () => session.snapshot(),
    'session.login': async ({ serverUrl, username, password }) => {
      const snapshot = await session.login(serverUrl, username, password)
      await settings.update({ lastServerUrl: serverUrl })
      return snapshot
    },
    'session.logout': async () => {
      await session.logout()
      return null
    },
    'agentState.set': (change) => session.setState(change),
    'team.list': () => session.teamList(),
    'team.forceState': (request) => session.forceState(request),
  }

  return {
    router: createApiRouter(handlers, { onInternalError: testOptions.onInternalError }),
    onEvent(listener: AgentApiEventListener) {
      const wrapped = (event: AgentApiEvent, payload: unknown) => listener(event, payload as never)
      events.on('event', wrapped)
      return () => events.off('event', wrapped)
    },
    async dispose() {
      connection.close()
      events.removeAllListeners()
    },
  }
}
