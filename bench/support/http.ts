import { performance } from 'node:perf_hooks'
import type { LoginResponse } from '../../src/shared/protocol/http-api'

/** POST /api/auth/login; returns the response and the round trip measured in this process. */
export async function login(baseUrl: string, username: string, password: string): Promise<{ response: LoginResponse; ms: number }> {
  const started = performance.now()
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(15_000),
  })
  const body: unknown = await res.json()
  const ms = performance.now() - started
  if (!res.ok) throw new Error(`login ${username} failed: HTTP ${res.status} ${JSON.stringify(body)}`)
  return { response: body as LoginResponse, ms }
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<I, O>(items: readonly I[], limit: number, task: (item: I, index: number) => Promise<O>): Promise<O[]> {
  const results: O[] = new Array<O>(items.length)
  let next = 0
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++
      results[index] = await task(items[index]!, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}
