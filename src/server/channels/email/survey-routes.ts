import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Kysely } from 'kysely'
import { AppError } from '../../../shared/errors'
import type { Database } from '../../db/schema'
import type { Inbox } from '../../inbox/inbox'
import type { Logger } from '../../logger'
import { escapeHtml } from './email-html'
import type { SurveyTokens } from './survey-token'

export interface SurveyRouteDeps {
  db: Kysely<Database>
  inbox: Inbox
  tokens: SurveyTokens
  log: Logger
}

const CHOICES: readonly [number, string][] = [
  [5, '非常满意 Very satisfied'],
  [4, '满意 Satisfied'],
  [3, '一般 Neutral'],
  [2, '不满意 Unsatisfied'],
  [1, '非常不满意 Very unsatisfied'],
]

/**
 * The page behind the link in a survey email: GET shows the five choices, POST stores the rating
 * through the inbox. Plain HTML forms (works in any mail client's browser, no script at all).
 */
export function registerSurveyRoutes(app: FastifyInstance, deps: SurveyRouteDeps): void {
  void app.register(async (scope) => {
    // Form posts are only accepted here; the rest of the API stays JSON-only.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1024 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))))
    })

    scope.get<{ Params: { token: string } }>('/survey/:token', async (request, reply) => {
      const conversation = await conversationOf(deps, request.params.token)
      if (!conversation) return page(reply, 404, '链接无效 Invalid link', '<p>这个评价链接无效或已过期。<br>This survey link is not valid.</p>')
      const current = conversation.rating ? `<p>您之前的评分：${conversation.rating} 分。可以重新选择。<br>Your rating so far: ${conversation.rating}.</p>` : ''
      const buttons = CHOICES.map(([value, label]) => `<button type="submit" name="rating" value="${value}">${'★'.repeat(value)} ${escapeHtml(label)}</button>`).join('')
      return page(
        reply,
        200,
        '服务满意度调查 Service survey',
        `<p>关于“${escapeHtml(conversation.subject)}”，您对本次服务满意吗？<br>How satisfied are you with our service?</p>${current}` +
          `<form method="post" action="/survey/${encodeURIComponent(request.params.token)}">${buttons}</form>`,
      )
    })

    scope.post<{ Params: { token: string }; Body: unknown }>('/survey/:token', async (request, reply) => {
      const conversation = await conversationOf(deps, request.params.token)
      if (!conversation) return page(reply, 404, '链接无效 Invalid link', '<p>这个评价链接无效或已过期。<br>This survey link is not valid.</p>')
      const body = request.body as Record<string, unknown> | undefined
      const rating = Number(typeof body?.rating === 'string' || typeof body?.rating === 'number' ? body.rating : NaN)
      if (!Number.isInteger(rating) || rating < 1 || rating > 5) return page(reply, 400, '请选择评分 Please choose', '<p>请选择 1–5 分。<br>Please choose a rating from 1 to 5.</p>')
      try {
        await deps.inbox.rate(conversation.id, rating)
      } catch (err) {
        if (err instanceof AppError && err.code === 'conflict') {
          return page(reply, 409, '暂时无法评价 Not now', '<p>这个问题已重新处理中，处理完毕后可再评价。<br>This conversation was reopened; you can rate it once it is resolved again.</p>')
        }
        throw err
      }
      deps.log.info({ conversationId: conversation.id, rating }, 'email survey answered')
      return page(reply, 200, '感谢评价 Thank you', `<p>感谢您的评价（${rating} 分）！<br>Thank you for your rating (${rating}).</p>`)
    })
  })
}

async function conversationOf(deps: SurveyRouteDeps, token: string): Promise<{ id: string; subject: string; rating: number | null } | undefined> {
  const id = deps.tokens.verify(token)
  if (!id) return undefined
  return deps.db.selectFrom('conversations').select(['id', 'subject', 'rating']).where('id', '=', id).where('channel', '=', 'email').executeTakeFirst()
}

function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    .header('cache-control', 'no-store')
    .send(
      `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>` +
        '<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.6}button{display:block;width:100%;margin:.4rem 0;padding:.7rem;font-size:1rem;text-align:left;cursor:pointer}</style>' +
        `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    )
}
