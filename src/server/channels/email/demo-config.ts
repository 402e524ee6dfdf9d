import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema'
import { MailboxStore, type NewMailbox } from './mailbox-store'

/** Where the demo's local mail server listens (a Dovecot for IMAP, any SMTP receiver). */
export interface LocalMailServer {
  host: string
  imapPort: number
  smtpPort: number
  /** The support mailbox's login on both servers. */
  address: string
  password: string
}

/**
 * The demo's support mailbox on a local mail server. Used only when one is configured: without a
 * mail server the demo has no email channel rather than one that fails to connect.
 */
export function demoMailbox(server: LocalMailServer, skillGroupId: string): NewMailbox {
  return {
    address: server.address.toLowerCase(),
    displayName: '客服中心',
    imap: { host: server.host, port: server.imapPort, secure: false, user: server.address, password: server.password },
    smtp: { host: server.host, port: server.smtpPort, secure: false, user: server.address, password: server.password },
    skillGroupId,
    enabled: true,
    pollIntervalMs: 30_000,
  }
}

/**
 * Adds the demo mailbox unless one with its address exists (restarts of the demo keep their state).
 * Returns its id. Call it before the central server starts (which then watches every mailbox), or
 * add the mailbox through POST /api/admin/mailboxes on a running server.
 */
export async function ensureDemoMailbox(db: Kysely<Database>, server: LocalMailServer, skillGroupId: string): Promise<string> {
  const store = new MailboxStore(db)
  const existing = (await store.list()).find((m) => m.address === server.address.toLowerCase())
  if (existing) return existing.id
  return (await store.create(demoMailbox(server, skillGroupId))).id
}
