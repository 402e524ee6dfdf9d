import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { parseOrThrow } from '../../../shared/validation'
import type { AccessTokens } from '../../auth/tokens'
import { authenticateAdmin } from '../../http/bearer'
import { MailboxPatchSchema, NewMailboxSchema, toView, type MailboxStore, type MailboxView } from './mailbox-store'

export interface MailboxRouteDeps {
  tokens: AccessTokens
  store: MailboxStore
  /** After a change: start, restart or stop the mailbox's watcher. */
  changed(mailboxId: string): Promise<void>
  /** Before a mailbox is deleted: its watcher must not write its sync state any more. */
  stopWatching(mailboxId: string): Promise<void>
  /** Whether the mailbox's IMAP connection is up right now, and why not. */
  status(mailboxId: string): { connected: boolean; lastError: string | null }
}

const IdParams = z.object({ id: z.string().min(1).max(64) }).strict()

/** Support mailboxes, for administrators only. Passwords go in and never come out. */
export function registerMailboxRoutes(app: FastifyInstance, deps: MailboxRouteDeps): void {
  const view = (row: Parameters<typeof toView>[0]): MailboxView & { connected: boolean; lastError: string | null } => ({ ...toView(row), ...deps.status(row.id) })

  app.get('/api/admin/mailboxes', async (request) => {
    await authenticateAdmin(deps.tokens, request)
    return (await deps.store.list()).map(view)
  })

  app.post('/api/admin/mailboxes', async (request, reply) => {
    await authenticateAdmin(deps.tokens, request)
    const input = parseOrThrow(NewMailboxSchema, request.body, 'mailbox')
    const row = await deps.store.create(input)
    await deps.changed(row.id)
    return reply.status(201).send(view(row))
  })

  app.patch('/api/admin/mailboxes/:id', async (request) => {
    await authenticateAdmin(deps.tokens, request)
    const { id } = parseOrThrow(IdParams, request.params, 'mailbox id')
    const patch = parseOrThrow(MailboxPatchSchema, request.body, 'mailbox change')
    const row = await deps.store.update(id, patch)
    await deps.changed(row.id)
    return view(row)
  })

  app.delete('/api/admin/mailboxes/:id', async (request) => {
    await authenticateAdmin(deps.tokens, request)
    const { id } = parseOrThrow(IdParams, request.params, 'mailbox id')
    await deps.stopWatching(id)
    try {
      await deps.store.remove(id)
    } finally {
      await deps.changed(id)
    }
    return { ok: true }
  })
}
