import { randomUUID } from 'node:crypto'
import type { Kysely, Selectable } from 'kysely'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import type { Database, EmailMailboxesTable } from '../../db/schema'

export type MailboxRow = Selectable<EmailMailboxesTable>

/** A mailbox as the channel uses it. */
export interface MailboxConfig {
  id: string
  address: string
  displayName: string
  imap: { host: string; port: number; secure: boolean; user: string; password: string }
  smtp: { host: string; port: number; secure: boolean; user: string; password: string }
  skillGroupId: string
  enabled: boolean
  pollIntervalMs: number
}

/** What the admin API shows: everything but the passwords. */
export interface MailboxView {
  id: string
  address: string
  displayName: string
  imap: { host: string; port: number; secure: boolean; user: string; passwordSet: boolean }
  smtp: { host: string; port: number; secure: boolean; user: string; passwordSet: boolean }
  skillGroupId: string
  enabled: boolean
  pollIntervalMs: number
  updatedAt: number
}

const host = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.\-:[\]]+$/, 'a host name or IP address')
const port = z.number().int().min(1).max(65_535)
const ServerSchema = z.object({ host, port, secure: z.boolean(), user: z.string().min(1).max(254), password: z.string().min(1).max(500) }).strict()

export const NewMailboxSchema = z
  .object({
    address: z.string().trim().toLowerCase().max(254).regex(/^[^\s@<>]+@[^\s@<>]+$/, 'an email address'),
    displayName: z.string().trim().max(100).default(''),
    imap: ServerSchema,
    smtp: ServerSchema,
    skillGroupId: z.string().min(1).max(64),
    enabled: z.boolean().default(true),
    pollIntervalMs: z.number().int().min(5_000).max(3_600_000).default(60_000),
  })
  .strict()
export type NewMailbox = z.output<typeof NewMailboxSchema>

/** An edit: any field; a password left out stays as it was. */
export const MailboxPatchSchema = z
  .object({
    displayName: z.string().trim().max(100),
    imap: ServerSchema.partial(),
    smtp: ServerSchema.partial(),
    skillGroupId: z.string().min(1).max(64),
    enabled: z.boolean(),
    pollIntervalMs: z.number().int().min(5_000).max(3_600_000),
  })
  .partial()
  .strict()
export type MailboxPatch = z.output<typeof MailboxPatchSchema>

export function toConfig(row: MailboxRow): MailboxConfig {
  return {
    id: row.id,
    address: row.address,
    displayName: row.display_name,
    imap: { host: row.imap_host, port: row.imap_port, secure: row.imap_secure === 1, user: row.imap_user, password: row.imap_password },
    smtp: { host: row.smtp_host, port: row.smtp_port, secure: row.smtp_secure === 1, user: row.smtp_user, password: row.smtp_password },
    skillGroupId: row.skill_group_id,
    enabled: row.enabled === 1,
    pollIntervalMs: row.poll_interval_ms,
  }
}

export function toView(row: MailboxRow): MailboxView {
  return {
    id: row.id,
    address: row.address,
    displayName: row.display_name,
    imap: { host: row.imap_host, port: row.imap_port, secure: row.imap_secure === 1, user: row.imap_user, passwordSet: row.imap_password !== '' },
    smtp: { host: row.smtp_host, port: row.smtp_port, secure: row.smtp_secure === 1, user: row.smtp_user, passwordSet: row.smtp_password !== '' },
    skillGroupId: row.skill_group_id,
    enabled: row.enabled === 1,
    pollIntervalMs: row.poll_interval_ms,
    updatedAt: row.updated_at,
  }
}

export class MailboxStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<MailboxRow[]> {
    return this.db.selectFrom('email_mailboxes').selectAll().orderBy('address').execute()
  }

  async get(id: string): Promise<MailboxRow | undefined> {
    if (id.length > 64) return undefined
    return this.db.selectFrom('email_mailboxes').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async create(input: NewMailbox): Promise<MailboxRow> {
    await this.checkSkillGroup(input.skillGroupId)
    const taken = await this.db.selectFrom('email_mailboxes').select('id').where('address', '=', input.address).executeTakeFirst()
    if (taken) throw new AppError('conflict', `The mailbox ${input.address} is configured already`)
    const now = this.now()
    const row: MailboxRow = {
      id: randomUUID(),
      address: input.address,
      display_name: input.displayName,
      imap_host: input.imap.host,
      imap_port: input.imap.port,
      imap_secure: input.imap.secure ? 1 : 0,
      imap_user: input.imap.user,
      imap_password: input.imap.password,
      smtp_host: input.smtp.host,
      smtp_port: input.smtp.port,
      smtp_secure: input.smtp.secure ? 1 : 0,
      smtp_user: input.smtp.user,
      smtp_password: input.smtp.password,
      skill_group_id: input.skillGroupId,
      enabled: input.enabled ? 1 : 0,
      poll_interval_ms: input.pollIntervalMs,
      created_at: now,
      updated_at: now,
    }
    await this.db.insertInto('email_mailboxes').values(row).execute()
    return row
  }

  async update(id: string, patch: MailboxPatch): Promise<MailboxRow> {
    const row = await this.get(id)
    if (!row) throw new AppError('not_found', 'No such mailbox')
    if (patch.skillGroupId) await this.checkSkillGroup(patch.skillGroupId)
    const values: Partial<MailboxRow> = { updated_at: this.now() }
    if (patch.displayName !== undefined) values.display_name = patch.displayName
    if (patch.skillGroupId !== undefined) values.skill_group_id = patch.skillGroupId
    if (patch.enabled !== undefined) values.enabled = patch.enabled ? 1 : 0
    if (patch.pollIntervalMs !== undefined) values.poll_interval_ms = patch.pollIntervalMs
    for (const side of ['imap', 'smtp'] as const) {
      const server = patch[side]
      if (!server) continue
      if (server.host !== undefined) values[`${side}_host`] = server.host
      if (server.port !== undefined) values[`${side}_port`] = server.port
      if (server.secure !== undefined) values[`${side}_secure`] = server.secure ? 1 : 0
      if (server.user !== undefined) values[`${side}_user`] = server.user
      if (server.password !== undefined) values[`${side}_password`] = server.password
    }
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('email_mailboxes').set(values).where('id', '=', id).execute()
      // Another server or account: its UIDs mean nothing here, start over (Message-IDs stop repeats).
      const movedImap = (values.imap_host !== undefined && values.imap_host !== row.imap_host) || (values.imap_user !== undefined && values.imap_user !== row.imap_user)
      if (movedImap) await trx.deleteFrom('email_sync_state').where('mailbox_id', '=', id).execute()
    })
    return (await this.get(id)) as MailboxRow
  }

  async remove(id: string): Promise<void> {
    const result = await this.db.deleteFrom('email_mailboxes').where('id', '=', id).executeTakeFirst()
    if (Number(result.numDeletedRows) === 0) throw new AppError('not_found', 'No such mailbox')
  }

  async syncState(mailboxId: string): Promise<{ uidValidity: string; lastUid: number } | undefined> {
    const row = await this.db.selectFrom('email_sync_state').selectAll().where('mailbox_id', '=', mailboxId).executeTakeFirst()
    return row ? { uidValidity: row.uid_validity, lastUid: Number(row.last_uid) } : undefined
  }

  async saveSyncState(mailboxId: string, uidValidity: string, lastUid: number): Promise<void> {
    const now = this.now()
    await this.db
      .insertInto('email_sync_state')
      .values({ mailbox_id: mailboxId, uid_validity: uidValidity, last_uid: lastUid, updated_at: now })
      .onConflict((oc) => oc.column('mailbox_id').doUpdateSet({ uid_validity: uidValidity, last_uid: lastUid, updated_at: now }))
      .execute()
  }

  private async checkSkillGroup(id: string): Promise<void> {
    const group = await this.db.selectFrom('skill_groups').select('id').where('id', '=', id).executeTakeFirst()
    if (!group) throw new AppError('invalid_argument', `No skill group ${id.slice(0, 64)}`)
  }
}
