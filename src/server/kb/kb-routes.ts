import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { KbArticleUpdateSchema } from '../../shared/protocol/kb-api'
import { parseOrThrow } from '../../shared/validation'
import type { AccessTokens } from '../auth/tokens'
import type { Db } from '../db/database'
import { authenticate, authenticateAdmin } from '../http/bearer'
import { loadViewer } from '../sync/sync-viewer'
import type { KbEditor } from './kb-editor'

export interface KbRouteDeps {
  db: Db
  tokens: AccessTokens
  editor: KbEditor
}

const ArticleParamsSchema = z.object({ id: z.string().min(1).max(64) }).strict()

/** PUT an article (administrators; a new version each time) and its version history (whoever may see it). */
export function registerKbRoutes(app: FastifyInstance, deps: KbRouteDeps): void {
  app.put('/api/kb/articles/:id', async (request) => {
    const claims = await authenticateAdmin(deps.tokens, request)
    const { id } = parseOrThrow(ArticleParamsSchema, request.params, 'article id')
    const input = parseOrThrow(KbArticleUpdateSchema, request.body, 'article')
    return deps.editor.update(claims.agentId, id, input)
  })

  app.get('/api/kb/articles/:id/versions', async (request) => {
    const claims = await authenticate(deps.tokens, request)
    const { id } = parseOrThrow(ArticleParamsSchema, request.params, 'article id')
    return deps.editor.history(await loadViewer(deps.db, claims), id)
  })
}
