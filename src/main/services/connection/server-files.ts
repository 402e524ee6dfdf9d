/**
 * The central server's HTTP endpoints the workspace uses beside the socket: attachment bytes in and
 * out, and KB history. Authenticated with the connection's current access token; every failure is
 * an AppError (offline when the server cannot be reached).
 */
import { AttachmentRefSchema, type AttachmentRef } from '../../../shared/domain/conversations'
import { AppError, errorCodes, type ErrorCode } from '../../../shared/errors'
import { ErrorBodySchema } from '../../../shared/protocol/http-api'
import { KbArticleHistorySchema, type KbArticleHistory } from '../../../shared/protocol/kb-api'

const REQUEST_TIMEOUT_MS = 30_000

export interface ServerAccess {
  /** The server's base URL and a current access token, or null while signed out. */
  current(): { baseUrl: string; accessToken: string } | null
}

export interface DownloadedFile extends AttachmentRef {
  data: Uint8Array
}

export class ServerFiles {
  constructor(private readonly access: ServerAccess) {}

  async download(id: string): Promise<DownloadedFile> {
    const response = await this.fetch(`/api/attachments/${encodeURIComponent(id)}`, { method: 'GET' })
    await failUnlessOk(response)
    const data = new Uint8Array(await response.arrayBuffer())
    const mime = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase()
    return { id, name: fileNameOf(response.headers.get('content-disposition')) ?? id, mime, size: data.byteLength, data }
  }

  async upload(name: string, mime: string, data: Uint8Array): Promise<AttachmentRef> {
    const response = await this.fetch(`/api/attachments?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': mime },
      body: data,
    })
    await failUnlessOk(response)
    return parseJson(response, AttachmentRefSchema.parse)
  }

  /** A call's recording (or one segment of it); the server acknowledges the same bytes again, so retrying is safe. */
  async uploadRecording(callId: string, segment: number, mime: string, durationSec: number, data: Uint8Array): Promise<void> {
    const response = await this.fetch(`/api/recordings/${encodeURIComponent(callId)}?durationSec=${durationSec}&segment=${segment}`, {
      method: 'PUT',
      headers: { 'content-type': mime },
      body: data,
    })
    await failUnlessOk(response)
  }

  async kbVersions(articleId: string): Promise<KbArticleHistory> {
    const response = await this.fetch(`/api/kb/articles/${encodeURIComponent(articleId)}/versions`, { method: 'GET' })
    await failUnlessOk(response)
    return parseJson(response, KbArticleHistorySchema.parse)
  }

  private async fetch(path: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Response> {
    const access = this.access.current()
    if (!access) throw new AppError('offline', 'Not connected to the server')
    try {
      return await fetch(new URL(path, access.baseUrl), {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${access.accessToken}` },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') throw new AppError('timeout', 'The server did not answer in time')
      throw new AppError('offline', `Cannot reach the server at ${access.baseUrl}`)
    }
  }
}

async function failUnlessOk(response: Response): Promise<void> {
  if (response.ok) return
  const json: unknown = await response.json().catch(() => undefined)
  const parsed = ErrorBodySchema.safeParse(json)
  if (!parsed.success) throw new AppError('internal', `The server answered ${response.status}`)
  const { code, message, details } = parsed.data.error
  throw new AppError((errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'internal', message, details)
}

async function parseJson<T>(response: Response, parse: (value: unknown) => T): Promise<T> {
  try {
    return parse(await response.json())
  } catch {
    throw new AppError('internal', 'The server sent an answer this desktop does not understand')
  }
}

/** The RFC 5987 `filename*` if there is one, else the plain `filename`. */
export function fileNameOf(header: string | null): string | null {
  if (!header) return null
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim())
    } catch {
      // A broken encoding falls back to the plain name.
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(header)
  return plain?.[1] ?? null
}
