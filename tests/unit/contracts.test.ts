import { describe, expect, it } from 'vitest'
import { StateChangeSchema } from '../../src/shared/domain/agent'
import { agentApiMethods, LoginInputSchema } from '../../src/shared/ipc/agent-api'
import { clientEventSchemas, ForceStateSchema } from '../../src/shared/protocol/agent-socket'
import { PageToHostSchema } from '../../src/shared/ipc/bridge-protocol'
import { createApiRouter, type AgentApiHandlers } from '../../src/main/services/api-router'
import { AppError } from '../../src/shared/errors'

describe('state change schema', () => {
  it('accepts the five states and needs a reason for not ready', () => {
    for (const state of ['ready', 'after_call_work', 'away', 'signed_out']) expect(StateChangeSchema.safeParse({ state }).success).toBe(true)
    expect(StateChangeSchema.safeParse({ state: 'not_ready', reasonCode: 'break' }).success).toBe(true)
    expect(StateChangeSchema.safeParse({ state: 'not_ready' }).success).toBe(false)
    expect(StateChangeSchema.safeParse({ state: 'not_ready', reasonCode: '' }).success).toBe(false)
    expect(StateChangeSchema.safeParse({ state: 'READY' }).success).toBe(false)
    expect(StateChangeSchema.safeParse({ state: 'ready', extra: 1 }).success).toBe(false)
  })
  it('force-state needs an agent id of sane length', () => {
    expect(ForceStateSchema.safeParse({ agentId: 'a1', state: 'ready' }).success).toBe(true)
    expect(ForceStateSchema.safeParse({ agentId: '', state: 'ready' }).success).toBe(false)
    expect(ForceStateSchema.safeParse({ agentId: 'x'.repeat(65), state: 'ready' }).success).toBe(false)
  })
  it('login input takes only http(s) server URLs', () => {
    const base = { username: 'a', password: 'b' }
    expect(LoginInputSchema.safeParse({ ...base, serverUrl: 'http://127.0.0.1:3800' }).success).toBe(true)
    expect(LoginInputSchema.safeParse({ ...base, serverUrl: 'https://cc.example.cn' }).success).toBe(true)
    for (const serverUrl of ['file:///etc/passwd', 'javascript:alert(1)', 'not a url', '']) {
      expect(LoginInputSchema.safeParse({ ...base, serverUrl }).success).toBe(false)
    }
  })
  it('every client socket event and AgentApi method has a schema', () => {
    expect(Object.keys(clientEventSchemas).sort()).toEqual(['agentState:set', 'sync:pull', 'sync:push', 'team:forceState', 'team:list', 'transfer:targets'])
    for (const spec of Object.values(agentApiMethods)) {
      expect(spec.input).toBeDefined()
      expect(spec.output).toBeDefined()
    }
  })
  it('bridge frames are a closed set', () => {
    expect(PageToHostSchema.safeParse({ t: 'hello', secret: 's' }).success).toBe(true)
    expect(PageToHostSchema.safeParse({ t: 'call', id: 1, method: 'x' }).success).toBe(true)
    expect(PageToHostSchema.safeParse({ t: 'call', id: 1.5, method: 'x' }).success).toBe(false)
    expect(PageToHostSchema.safeParse({ t: 'eval', code: '1' }).success).toBe(false)
  })
})

describe('api router', () => {
  const calls: unknown[] = []
  const notCalled = async () => {
    throw new Error('should not be called')
  }
  const handlers = {
    'app.info': async () => ({ version: '1', host: 'web', defaultServerUrl: null }),
    'session.get': notCalled,
    'session.login': notCalled,
    'session.logout': async () => {
      throw new Error('boom')
    },
    'agentState.set': async (input: unknown) => {
      calls.push(input)
      throw new AppError('offline', 'Not connected')
    },
    'team.list': notCalled,
    'team.forceState': notCalled,
  } as unknown as AgentApiHandlers
  const internal: string[] = []
  const router = createApiRouter(handlers, { onInternalError: (m) => internal.push(m) })

  it('passes validated input to the handler and returns its AppError as a Result', async () => {
    expect(await router.invoke('agentState.set', { state: 'ready' })).toEqual({ ok: false, error: { code: 'offline', message: 'Not connected' } })
    expect(calls).toEqual([{ state: 'ready' }])
  })
  it('rejects bad input without calling the handler', async () => {
    const result = await router.invoke('agentState.set', { state: 'x' })
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_argument', details: { issues: [expect.objectContaining({ path: 'state' })] } } })
    expect(calls).toHaveLength(1)
  })
  it('hides internal errors behind a generic message and reports them', async () => {
    expect(await router.invoke('session.logout', undefined)).toEqual({ ok: false, error: { code: 'internal', message: 'Internal error' } })
    expect(internal).toEqual(['session.logout'])
  })
  it('rejects names that are not methods, including prototype keys', async () => {
    for (const name of ['constructor', 'toString', '__proto__', 42, null, 'app.info '] as unknown[]) {
      expect(await router.invoke(name, {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
    }
  })
})
