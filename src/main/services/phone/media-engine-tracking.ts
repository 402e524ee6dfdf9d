/**
 * The transports (the web host's bridge, Electron's IPC) see each page come and go; the phone
 * needs to hear when the one that attached as its media engine goes. This picks out that call.
 */
import type { Result } from '../../../shared/errors'

/** The media engine id a successful `phone.attachMedia` call registered, or null for any other call. */
export function attachedMediaEngine(method: unknown, input: unknown, result: Result<unknown>): string | null {
  if (method !== 'phone.attachMedia' || !result.ok) return null
  const mediaId = (input as { mediaId?: unknown } | null)?.mediaId
  return typeof mediaId === 'string' ? mediaId : null
}
