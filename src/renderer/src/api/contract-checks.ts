import { fail, type Result } from '../../../shared/errors'
import {
  agentApiEvents,
  agentApiMethods,
  isAgentApiEvent,
  isAgentApiMethod,
  type AgentApiTransport,
} from '../../../shared/ipc/agent-api'

/**
 * Checks what comes back from the host against the contract's output and event schemas, so a
 * host that drifted from the contract shows up as one clear `internal` error (and a console
 * entry) instead of a screen that breaks somewhere later.
 */
export function withContractChecks(inner: AgentApiTransport): AgentApiTransport {
  return {
    async invoke(method, input) {
      let result: unknown
      try {
        result = await inner.invoke(method, input)
      } catch (err) {
        console.error(`${method} failed in the transport`, err)
        return fail('internal', `${method} failed in the transport`)
      }
      if (!isResult(result)) {
        console.error(`${method} answered with something that is not a Result`, result)
        return fail('internal', `${method} answered outside the contract`)
      }
      if (!result.ok || !isAgentApiMethod(method)) return result
      const parsed = agentApiMethods[method].output.safeParse(result.value)
      if (parsed.success) return { ok: true, value: parsed.data }
      console.error(`${method} answered outside the contract`, parsed.error.issues)
      return fail('internal', `${method} answered outside the contract`)
    },
    on(event, listener) {
      if (!isAgentApiEvent(event)) return inner.on(event, listener)
      const schema = agentApiEvents[event]
      return inner.on(event, (payload) => {
        const parsed = schema.safeParse(payload)
        if (parsed.success) listener(parsed.data)
        else console.error(`${event} payload outside the contract`, parsed.error.issues)
      })
    },
  }
}

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false
  if (value.ok === true) return 'value' in value
  return value.ok === false && 'error' in value && typeof value.error === 'object' && value.error !== null
}
