import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import { MAX_VISITOR_UPLOAD_BYTES, VISITOR_UPLOAD_TYPES } from '../../../shared/protocol/visitor-socket'
import { parseOrThrow } from '../../../shared/validation'
import type { AttachmentStore } from '../../attachments/attachment-store'
import { contentDisposition } from '../../http/attachment-routes'
import { VISITOR_COOKIE, cookieValue } from './visitor-namespace'
import { DEFAULT_SITE_KEY, uploaderOf, type WebchatStore } from './webchat-store'
import type { VisitorTokens } from './visitor-tokens'

export interface WebchatRouteDeps {
  store: WebchatStore
  tokens: VisitorTokens
  attachments: AttachmentStore
  /** Folder with chat.html, chat.js, chat.css and embed.js (resources/webchat). */
  assetsDir?: string
}

/** The page, its script and style, and the embed snippet: read once, served from memory. */
interface Assets {
  html: Buffer
  script: Buffer
  style: Buffer
  embed: Buffer
  socketClient: Buffer
}

const UploadQuerySchema = z.object({ name: z.string().trim().min(1).max(255) }).strict()
const IdParamsSchema = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) }).strict()
const PageQuerySchema = z.object({ site: z.string().max(64).optional() }).passthrough()

const ATTACHMENT_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
const VISITOR_COOKIE_MAX_AGE_S = 365 * 24 * 3600

export const defaultAssetsDir = (): string => join(dirname(fileURLToPath(import.meta.url)), '../../../../resources/webchat')

function loadAssets(dir: string): Assets {
  const require = createRequire(import.meta.url)
  const socketClientDir = join(dirname(require.resolve('socket.io-client/package.json')), 'dist')
  return {
    html: readFileSync(join(dir, 'chat.html')),
    script: readFileSync(join(dir, 'chat.js')),
    style: readFileSync(join(dir, 'chat.css')),
    embed: readFileSync(join(dir, 'embed.js')),
    socketClient: readFileSync(join(socketClientDir, 'socket.io.min.js')),
  }
}

/**
 * The visitor's side over HTTP: the chat page (GET /chat?site=<key>) with its script, the embed
 * snippet for a company's website (GET /chat/embed.js), and files: a visitor uploads pictures and
 * PDFs and fetches the files of their own conversations only, with their visitor token.
 */
export function registerWebchatRoutes(app: FastifyInstance, deps: WebchatRouteDeps): void {
  const assets = loadAssets(deps.assetsDir ?? defaultAssetsDir())

  app.get('/chat', async (request, reply) => {
    const { site: siteKey } = parseOrThrow(PageQuerySchema, request.query, 'chat page')
    const site = await deps.store.site(siteKey || DEFAULT_SITE_KEY)
    if (!site) throw new AppError('not_found', 'This chat is not available')
    // A visitor whose page keeps no token (storage blocked) is still known by this cookie.
    if (!deps.tokens.verify(cookieValue(request.headers.cookie, VISITOR_COOKIE))) {
      const { token } = deps.tokens.issue()
      void reply.header('set-cookie', `${VISITOR_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${VISITOR_COOKIE_MAX_AGE_S}`)
    }
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', pageCsp(site.allowedOrigin))
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .send(assets.html)
  })

  const script = (body: Buffer) => async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.header('content-type', 'application/javascript; charset=utf-8').header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache').send(body)
  app.get('/chat/chat.js', script(assets.script))
  app.get('/chat/socket.io.min.js', script(assets.socketClient))
  app.get('/chat/embed.js', script(assets.embed))
  app.get('/chat/chat.css', async (_request, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache').send(assets.style),
  )

  // A scope of its own: bodies here are raw file bytes, and JSON routes elsewhere keep their parser and limit.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_VISITOR_UPLOAD_BYTES }, (_request, body, done) => done(null, body))

    scope.post('/api/webchat/upload', { bodyLimit: MAX_VISITOR_UPLOAD_BYTES }, async (request) => {
      const visitorId = visitorOf(deps.tokens, request)
      const { name } = parseOrThrow(UploadQuerySchema, request.query, 'upload')
      const mime = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() ?? ''
      if (!(VISITOR_UPLOAD_TYPES as readonly string[]).includes(mime)) {
        throw new AppError('invalid_argument', '只能发送图片（PNG、JPEG、GIF、WebP）或 PDF 文件', { allowed: VISITOR_UPLOAD_TYPES })
      }
      const body = request.body
      if (!(body instanceof Buffer) || body.byteLength === 0) throw new AppError('invalid_argument', 'The upload has no file')
      if (!looksLike(mime, body)) throw new AppError('invalid_argument', 'The file is not what its type says')
      return deps.attachments.save({ name, mime, data: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), source: 'customer', uploadedBy: uploaderOf(visitorId) })
    })

    scope.get('/api/webchat/attachments/:id', async (request, reply) => {
      const visitorId = visitorOf(deps.tokens, request)
      const { id } = parseOrThrow(IdParamsSchema, request.params, 'attachment id')
      const file = (await deps.store.maySeeAttachment(visitorId, id)) ? await deps.attachments.get(id) : null
      if (!file) throw new AppError('not_found', 'No such attachment')
      const inlineType = (VISITOR_UPLOAD_TYPES as readonly string[]).includes(file.mime) ? file.mime : 'application/octet-stream'
      return reply
        .header('content-type', inlineType)
        .header('content-length', file.data.byteLength)
        .header('content-disposition', contentDisposition(file.name))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', ATTACHMENT_CSP)
        .header('cache-control', 'private, max-age=3600')
        .send(Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength))
    })
  })
}

/** The visitor a request speaks for: `Authorization: Bearer <visitor token>`, or the page's cookie. */
function visitorOf(tokens: VisitorTokens, request: FastifyRequest): string {
  const header = request.headers.authorization
  const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined
  const visitorId = tokens.verify(bearer ?? cookieValue(request.headers.cookie, VISITOR_COOKIE))
  if (!visitorId) throw new AppError('unauthenticated', 'A visitor token is required')
  return visitorId
}

/** The file's first bytes agree with its claimed type (a renamed .exe is not a picture). */
function looksLike(mime: string, body: Buffer): boolean {
  const starts = (...bytes: number[]) => bytes.every((b, i) => body[i] === b)
  switch (mime) {
    case 'image/png':
      return starts(0x89, 0x50, 0x4e, 0x47)
    case 'image/jpeg':
      return starts(0xff, 0xd8, 0xff)
    case 'image/gif':
      return starts(0x47, 0x49, 0x46, 0x38)
    case 'image/webp':
      return starts(0x52, 0x49, 0x46, 0x46) && body.subarray(8, 12).toString('latin1') === 'WEBP'
    case 'application/pdf':
      return starts(0x25, 0x50, 0x44, 0x46)
    default:
      return false
  }
}

/** Scripts and styles only from this server; the page may be framed by the site's own website. */
function pageCsp(allowedOrigin: string): string {
  const ancestors = allowedOrigin === '*' ? '*' : /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(allowedOrigin) ? `'self' ${allowedOrigin}` : "'self'"
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "connect-src 'self'",
    `frame-ancestors ${ancestors}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
}
