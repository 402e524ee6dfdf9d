import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { AppError } from '../../shared/errors'
import { parseOrThrow } from '../../shared/validation'
import type { AccessTokens } from '../auth/tokens'
import type { Db } from '../db/database'
import { MAX_RECORDING_BYTES, MAX_RECORDING_SEGMENT, RECORDING_TYPES, type RecordingStore } from '../recordings/recording-store'
import { authenticate } from './bearer'
import { contentDisposition } from './attachment-routes'

export interface RecordingRouteDeps {
  db: Db
  tokens: AccessTokens
  recordings: RecordingStore
}

const CallParamsSchema = z.object({ callId: z.string().min(1).max(64).regex(/^[\w-]+$/) }).strict()
const Segment = z.coerce.number().int().min(0).max(MAX_RECORDING_SEGMENT).default(0)
const UploadQuerySchema = z.object({ durationSec: z.coerce.number().int().min(0).max(24 * 3600), segment: Segment }).strict()
const ListenQuerySchema = z.object({ segment: Segment }).strict()

/**
 * Call recordings: a desktop PUTs the raw audio of one call (its own Content-Type) once the call
 * has ended, and again until it hears back (the same bytes are acknowledged, 200 instead of 201);
 * `?segment=1, 2 …` when its media engine was replaced mid-call and the call was recorded in parts.
 * The agent who made the call, the leads of their team and administrators may listen; the answer
 * says how many segments the call has (`x-recording-segments`).
 */
export function registerRecordingRoutes(app: FastifyInstance, deps: RecordingRouteDeps): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_RECORDING_BYTES }, (_request, body, done) => done(null, body))

    scope.put('/api/recordings/:callId', { bodyLimit: MAX_RECORDING_BYTES }, async (request, reply) => {
      const claims = await authenticate(deps.tokens, request)
      const { callId } = parseOrThrow(CallParamsSchema, request.params, 'call id')
      const { durationSec, segment } = parseOrThrow(UploadQuerySchema, request.query, 'recording')
      const mime = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
      if (!mime || !(RECORDING_TYPES as readonly string[]).includes(mime)) throw new AppError('invalid_argument', `A recording must be ${RECORDING_TYPES.join(' or ')}`)
      const body = request.body
      if (!(body instanceof Buffer)) throw new AppError('invalid_argument', 'The upload has no recording')
      const data = new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
      const { info, created } = await deps.recordings.save({ callId, segment, agentId: claims.agentId, mime, durationSec, data })
      return reply.status(created ? 201 : 200).send(info)
    })

    scope.get('/api/recordings/:callId', async (request, reply) => {
      const claims = await authenticate(deps.tokens, request)
      const { callId } = parseOrThrow(CallParamsSchema, request.params, 'call id')
      const { segment } = parseOrThrow(ListenQuerySchema, request.query, 'recording')
      const info = await deps.recordings.info(callId, segment)
      if (!info || !(await mayListen(deps.db, claims, info.agentId))) throw new AppError('not_found', 'No such recording')
      const data = (await deps.recordings.data(callId, segment))!
      const segments = await deps.recordings.segments(callId)
      return reply
        .header('content-type', info.mime)
        .header('x-recording-segments', String(segments.length))
        .header('content-length', data.byteLength)
        .header('content-disposition', contentDisposition(`call-${callId}${segment > 0 ? `-${segment + 1}` : ''}.${info.mime === 'audio/ogg' ? 'ogg' : 'webm'}`))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, max-age=3600')
        .send(Buffer.from(data.buffer, data.byteOffset, data.byteLength))
    })
  })
}

async function mayListen(db: Db, claims: { agentId: string; role: 'agent' | 'lead' | 'admin' }, ownerId: string): Promise<boolean> {
  if (claims.role === 'admin' || claims.agentId === ownerId) return true
  if (claims.role !== 'lead') return false
  const teams = await db.selectFrom('agents').select(['id', 'team_id']).where('id', 'in', [claims.agentId, ownerId]).execute()
  const lead = teams.find((t) => t.id === claims.agentId)?.team_id
  const owner = teams.find((t) => t.id === ownerId)?.team_id
  return lead != null && lead === owner
}
