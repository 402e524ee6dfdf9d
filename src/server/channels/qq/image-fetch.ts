/**
 * Turning an image segment into bytes, within limits. The centre has no Internet access, so only
 * two sources are read: inline `base64://` files and URLs on this machine's loopback (an
 * implementation running beside the server serves its cache there). Anything else is left as a
 * reference in the message text.
 */
import type { ImageReference } from './message-content'

export const MAX_QQ_IMAGE_BYTES = 5 * 1024 * 1024
const FETCH_TIMEOUT_MS = 5_000

export interface FetchedImage {
  name: string
  mime: string
  data: Uint8Array
}

export type ImageFetchResult = { ok: true; image: FetchedImage } | { ok: false; reason: string }

export async function fetchImage(ref: ImageReference, maxBytes = MAX_QQ_IMAGE_BYTES): Promise<ImageFetchResult> {
  if (ref.file.startsWith('base64://')) return decodeBase64(ref.file.slice('base64://'.length), maxBytes)
  const url = [ref.url, ref.file].find((candidate) => candidate && isLoopbackHttp(candidate))
  if (!url) return { ok: false, reason: 'not a local image' }
  return download(url, maxBytes)
}

function decodeBase64(encoded: string, maxBytes: number): ImageFetchResult {
  const clean = encoded.replace(/\s+/g, '')
  if (clean === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean)) return { ok: false, reason: 'malformed base64 image' }
  if (Math.floor((clean.length * 3) / 4) > maxBytes + 3) return { ok: false, reason: 'image too large' }
  const data = new Uint8Array(Buffer.from(clean, 'base64'))
  if (data.byteLength === 0) return { ok: false, reason: 'empty image' }
  if (data.byteLength > maxBytes) return { ok: false, reason: 'image too large' }
  return { ok: true, image: named(data) }
}

export function isLoopbackHttp(candidate: string): boolean {
  try {
    const url = new URL(candidate)
    return url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]')
  } catch {
    return false
  }
}

async function download(url: string, maxBytes: number): Promise<ImageFetchResult> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS)
  try {
    const res = await fetch(url, { signal: controller.signal, redirect: 'error' })
    if (!res.ok || !res.body) return { ok: false, reason: `HTTP ${res.status}` }
    const declared = Number(res.headers.get('content-length') ?? '0')
    if (declared > maxBytes) return { ok: false, reason: 'image too large' }
    const chunks: Uint8Array[] = []
    let size = 0
    for await (const chunk of res.body) {
      size += chunk.byteLength
      if (size > maxBytes) {
        controller.abort()
        return { ok: false, reason: 'image too large' }
      }
      chunks.push(chunk)
    }
    if (size === 0) return { ok: false, reason: 'empty image' }
    return { ok: true, image: named(new Uint8Array(Buffer.concat(chunks))) }
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message.slice(0, 200) : 'download failed' }
  } finally {
    clearTimeout(timer)
  }
}

/** The type from the bytes themselves: QQ file names (`{hash}.image`) say nothing. */
function named(data: Uint8Array): FetchedImage {
  const mime = sniffImageType(data)
  const ext = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' }[mime] ?? 'bin'
  return { name: `qq-image.${ext}`, mime, data }
}

export function sniffImageType(data: Uint8Array): string {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b)
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png'
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg'
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif'
  if (starts(0x52, 0x49, 0x46, 0x46) && data[8] === 0x57 && data[9] === 0x45 && data[10] === 0x42 && data[11] === 0x50) return 'image/webp'
  return 'application/octet-stream'
}
