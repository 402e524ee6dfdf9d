import { AppError, type Result } from '../errors'
import type { AgentApi, AgentApiTransport } from './agent-api'

/** Wraps a raw transport into the typed AgentApi; failures become thrown AppErrors. */
export function createAgentApi(transport: AgentApiTransport): AgentApi {
  return {
    async invoke(method, ...input) {
      const result = (await transport.invoke(method, input[0])) as Result<never>
      if (result.ok) return result.value
      throw AppError.from(result.error)
    },
    on(event, listener) {
      return transport.on(event, listener as (payload: unknown) => void)
    },
  }
}
