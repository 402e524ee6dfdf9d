import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { AppError } from '../../shared/errors'
import { parseOrThrow } from '../../shared/validation'
import { isUploadableType, type AttachmentStore, type StoredAttachment } from '../attachments/attachment-store'
import type { AccessTokens } from '../auth/tokens'
import type { Db } from '../db/database'
import { canSeeArticle, canSeeConversation, loadViewer } from '../sync/sync-viewer'
import { authenticate } from './bearer'

export interface AttachmentRouteDeps {
  db: Db
  tokens: AccessTokens
  attachments: AttachmentStore
}

const UploadQuerySchema = z.object({ name: z.string().trim().min(1).max(255) }).strict()
const IdParamsSchema = z.object({ id: z.string().min(1).max(64) }).strict()

/** Nothing served here may run anything: no scripts, no plugins, no frames, and no sniffing it into HTML. */
const ATTACHMENT_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

/**
 * Files in and out of the attachments table. Uploads are the raw bytes of one file (its own
 * Content-Type, its name in the query), so a desktop sends a file without multipart framing and
 * the size limit is the store's. Downloads are always served as attachments.
 */
export function registerAttachmentRoutes(app: FastifyInstance, deps: AttachmentRouteDeps): void {
  // A scope of its own: every body here is taken as raw bytes, and JSON routes elsewhere keep their parser and limit.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.attachments.maxBytes }, (_request, body, done) => done(null, body))

    scope.post('/api/attachments', { bodyLimit: deps.attachments.maxBytes }, async (request) => {
      const claims = await authenticate(deps.tokens, request)
      const { name } = parseOrThrow(UploadQuerySchema, request.query, 'upload')
      const mime = mediaType(request.headers['content-type'])
      if (!mime) throw new AppError('invalid_argument', 'The upload needs the Content-Type of its file')
      if (!isUploadableType(mime)) throw new AppError('invalid_argument', `Files of type ${mime.slice(0, 100)} cannot be uploaded`)
      const body = request.body
      if (!(body instanceof Buffer)) throw new AppError('invalid_argument', 'The upload has no file')
      return deps.attachments.save({ name, mime, data: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), source: 'agent', uploadedBy: claims.agentId })
    })

    scope.get('/api/attachments/:id', async (request, reply) => {
      const claims = await authenticate(deps.tokens, request)
      const { id } = parseOrThrow(IdParamsSchema, request.params, 'attachment id')
      const file = await deps.attachments.get(id)
      if (!file || !(await maySee(deps.db, claims, file))) throw new AppError('not_found', 'No such attachment')
      return send(reply, file)
    })
  })
}

/**
 * A KB file is visible to whoever may see one of the articles that carry it; a conversation's file
 * to whoever may see one of the conversations it was sent in, and to the agent who uploaded it.
 */
async function maySee(db: Db, claims: { agentId: string; role: 'agent' | 'lead' | 'admin' }, file: StoredAttachment): Promise<boolean> {
  if (claims.role === 'admin') return true
  if (file.source !== 'kb') return maySeeConversationFile(db, claims, file)
  const rows = await db
    .selectFrom('kb_article_attachments')
    .innerJoin('kb_articles', 'kb_articles.id', 'kb_article_attachments.article_id')
    .select('kb_articles.skill_group_id')
    .where('kb_article_attachments.attachment_id', '=', file.id)
    .execute()
  if (rows.length === 0) return true
  const viewer = await loadViewer(db, claims)
  return rows.some((r) => canSeeArticle(viewer, r.skill_group_id))
}

function send(reply: FastifyReply, file: StoredAttachment): FastifyReply {
  // Only types an agent may upload keep their type; anything else (a customer's HTML mail part) is bytes.
  const type = isUploadableType(file.mime) ? file.mime : 'application/octet-stream'
  return reply
    .header('content-type', type)
    .header('content-length', file.data.byteLength)
    .header('content-disposition', contentDisposition(file.name))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', ATTACHMENT_CSP)
    .header('cache-control', 'private, max-age=3600')
    .send(Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength))
}

/** `attachment` with an ASCII fallback name and the real one per RFC 5987 / RFC 6266. */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'attachment'
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`
}

function mediaType(header: string | undefined): string | null {
  const type = header?.split(';')[0]?.trim().toLowerCase()
  return type ? type : null
}

async function maySeeConversationFile(db: Db, claims: { agentId: string; role: 'agent' | 'lead' | 'admin' }, file: StoredAttachment): Promise<boolean> {
  const uploader = await db.selectFrom('attachments').select('uploaded_by').where('id', '=', file.id).executeTakeFirst()
  if (uploader?.uploaded_by === claims.agentId) return true
  const conversations = await db
    .selectFrom('message_attachments')
    .innerJoin('messages', 'messages.id', 'message_attachments.message_id')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['conversations.assigned_agent_id', 'conversations.status', 'conversations.skill_group_id'])
    .where('message_attachments.attachment_id', '=', file.id)
    .execute()
  if (conversations.length === 0) return false
  const viewer = await loadViewer(db, claims)
  return conversations.some((c) => canSeeConversation(viewer, { assignedAgentId: c.assigned_agent_id, status: c.status, skillGroupId: c.skill_group_id }))
}
