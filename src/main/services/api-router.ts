import { AppError, toErrorInfo, type Result } from '../../shared/errors'
import {
  agentApiMethods,
  isAgentApiMethod,
  type AgentApiInput,
  type AgentApiMethod,
  type AgentApiOutput,
} from '../../shared/ipc/agent-api'
import { parseOrThrow } from '../../shared/validation'

export type AgentApiHandlers = {
  [M in AgentApiMethod]: (input: AgentApiInput<M>) => Promise<AgentApiOutput<M>>
}

export interface ApiRouter {
  /** Validates the method name and input against the contract, then runs the handler. Never throws. */
  invoke(method: unknown, input: unknown): Promise<Result<unknown>>
}

export interface ApiRouterOptions {
  /** Called with every failure that is not the caller's fault, for the log. */
  onInternalError?: (method: string, err: unknown) => void
}

export function createApiRouter(handlers: AgentApiHandlers, options: ApiRouterOptions = {}): ApiRouter {
  return {
    async invoke(method, input) {
      if (!isAgentApiMethod(method)) {
        return { ok: false, error: { code: 'unknown_method', message: `Unknown AgentApi method: ${String(method).slice(0, 100)}` } }
      }
      try {
        const parsed = parseOrThrow(agentApiMethods[method].input, input, `arguments for ${method}`)
        const handler = handlers[method] as (input: unknown) => Promise<unknown>
        return { ok: true, value: await handler(parsed) }
      } catch (err) {
        if (!(err instanceof AppError)) options.onInternalError?.(method, err)
        return { ok: false, error: toErrorInfo(err) }
      }
    },
  }
}
