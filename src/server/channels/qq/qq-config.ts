/**
 * The QQ channel's configuration, kept in the database and edited by an administrator: the bot
 * accounts (self id, access token, optional forward WebSocket) and the groups each one watches,
 * each routed to a skill group. The channel reads a snapshot held in memory (every frame and every
 * WebSocket upgrade consults it), refreshed after each change made through this service.
 */
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import { parseOrThrow as parse } from '../../../shared/validation'
import type { Database, QqAccountsTable, QqGroupsTable } from '../../db/schema'
import { QqNumberSchema } from './onebot-schemas'

const TokenSchema = z.string().min(8, 'at least 8 characters').max(256).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
const ForwardUrlSchema = z
  .string()
  .max(500)
  .url()
  .refine((u) => /^wss?:\/\//i.test(u), 'a ws:// or wss:// URL')

export const NewQqAccountSchema = z
  .object({
    selfId: QqNumberSchema,
    name: z.string().trim().max(100).default(''),
    accessToken: TokenSchema,
    forwardWsUrl: ForwardUrlSchema.nullable().default(null),
    enabled: z.boolean().default(true),
  })
  .strict()
export type NewQqAccount = z.input<typeof NewQqAccountSchema>

export const QqAccountChangesSchema = z
  .object({
    name: z.string().trim().max(100).optional(),
    accessToken: TokenSchema.optional(),
    forwardWsUrl: ForwardUrlSchema.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
export type QqAccountChanges = z.input<typeof QqAccountChangesSchema>

export const NewQqGroupSchema = z
  .object({
    selfId: QqNumberSchema,
    groupId: QqNumberSchema,
    name: z.string().trim().min(1).max(100),
    skillGroupId: z.string().min(1).max(64),
    enabled: z.boolean().default(true),
  })
  .strict()
export type NewQqGroup = z.input<typeof NewQqGroupSchema>

export const QqGroupChangesSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    skillGroupId: z.string().min(1).max(64).optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
export type QqGroupChanges = z.input<typeof QqGroupChangesSchema>

/** An account as an administrator sees it: the token is never read back. */
export interface QqAccountView {
  selfId: string
  name: string
  forwardWsUrl: string | null
  enabled: boolean
  createdAt: number
  updatedAt: number
}

export interface QqGroupView {
  selfId: string
  groupId: string
  name: string
  skillGroupId: string
  enabled: boolean
  createdAt: number
  updatedAt: number
}

export interface QqAccountConfig {
  selfId: string
  name: string
  accessToken: string
  forwardWsUrl: string | null
  enabled: boolean
}

export interface QqGroupConfig {
  selfId: string
  groupId: string
  name: string
  skillGroupId: string
  enabled: boolean
}

export interface QqSnapshot {
  accounts: ReadonlyMap<string, QqAccountConfig>
  /** By `<selfId>:<groupId>`. */
  groups: ReadonlyMap<string, QqGroupConfig>
}

export const groupKey = (selfId: string, groupId: string): string => `${selfId}:${groupId}`

const accountView = (row: QqAccountsTable): QqAccountView => ({
  selfId: row.self_id,
  name: row.name,
  forwardWsUrl: row.forward_ws_url,
  enabled: row.enabled === 1,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
})

const groupView = (row: QqGroupsTable): QqGroupView => ({
  selfId: row.self_id,
  groupId: row.group_id,
  name: row.name,
  skillGroupId: row.skill_group_id,
  enabled: row.enabled === 1,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
})

export class QqConfigService {
  private current: QqSnapshot = { accounts: new Map(), groups: new Map() }
  private readonly listeners = new Set<(snapshot: QqSnapshot, changedAccounts: readonly string[]) => void>()

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /** What the channel works from; `load()` first. */
  get snapshot(): QqSnapshot {
    return this.current
  }

  /** Called after every change, with the accounts whose connection settings changed. */
  onChange(listener: (snapshot: QqSnapshot, changedAccounts: readonly string[]) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async load(): Promise<QqSnapshot> {
    const [accounts, groups] = await Promise.all([
      this.db.selectFrom('qq_accounts').selectAll().execute(),
      this.db.selectFrom('qq_groups').selectAll().execute(),
    ])
    this.current = {
      accounts: new Map(
        accounts.map((a) => [a.self_id, { selfId: a.self_id, name: a.name, accessToken: a.access_token, forwardWsUrl: a.forward_ws_url, enabled: a.enabled === 1 }]),
      ),
      groups: new Map(
        groups.map((g) => [groupKey(g.self_id, g.group_id), { selfId: g.self_id, groupId: g.group_id, name: g.name, skillGroupId: g.skill_group_id, enabled: g.enabled === 1 }]),
      ),
    }
    return this.current
  }

  async listAccounts(): Promise<QqAccountView[]> {
    const rows = await this.db.selectFrom('qq_accounts').selectAll().orderBy('self_id').execute()
    return rows.map(accountView)
  }

  async listGroups(selfId?: string): Promise<QqGroupView[]> {
    let query = this.db.selectFrom('qq_groups').selectAll()
    if (selfId !== undefined) query = query.where('self_id', '=', selfId)
    const rows = await query.orderBy('self_id').orderBy('group_id').execute()
    return rows.map(groupView)
  }

  async addAccount(input: unknown): Promise<QqAccountView> {
    const account = parse(NewQqAccountSchema, input, 'QQ account')
    const now = this.now()
    const row: QqAccountsTable = {
      self_id: account.selfId,
      name: account.name,
      access_token: account.accessToken,
      forward_ws_url: account.forwardWsUrl,
      enabled: account.enabled ? 1 : 0,
      created_at: now,
      updated_at: now,
    }
    await this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('qq_accounts').select('self_id').where('self_id', '=', account.selfId).executeTakeFirst()
      if (existing) throw new AppError('conflict', `QQ account ${account.selfId} is configured already`)
      await trx.insertInto('qq_accounts').values(row).execute()
    })
    await this.changed([account.selfId])
    return accountView(row)
  }

  async updateAccount(selfId: string, input: unknown): Promise<QqAccountView> {
    const changes = parse(QqAccountChangesSchema, input, 'QQ account changes')
    const row = await this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('qq_accounts').selectAll().where('self_id', '=', selfId.slice(0, 20)).executeTakeFirst()
      if (!existing) throw new AppError('not_found', 'No such QQ account')
      const updated: QqAccountsTable = {
        ...existing,
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.accessToken !== undefined ? { access_token: changes.accessToken } : {}),
        ...(changes.forwardWsUrl !== undefined ? { forward_ws_url: changes.forwardWsUrl } : {}),
        ...(changes.enabled !== undefined ? { enabled: changes.enabled ? 1 : 0 } : {}),
        updated_at: this.now(),
      }
      await trx.updateTable('qq_accounts').set(updated).where('self_id', '=', existing.self_id).execute()
      return updated
    })
    await this.changed([row.self_id])
    return accountView(row)
  }

  async removeAccount(selfId: string): Promise<void> {
    const result = await this.db.deleteFrom('qq_accounts').where('self_id', '=', selfId.slice(0, 20)).executeTakeFirst()
    if (Number(result.numDeletedRows) === 0) throw new AppError('not_found', 'No such QQ account')
    // Groups go with it (ON DELETE CASCADE needs foreign keys on, so say it explicitly too).
    await this.db.deleteFrom('qq_groups').where('self_id', '=', selfId).execute()
    await this.changed([selfId])
  }

  async addGroup(input: unknown): Promise<QqGroupView> {
    const group = parse(NewQqGroupSchema, input, 'QQ group')
    const now = this.now()
    const row: QqGroupsTable = {
      self_id: group.selfId,
      group_id: group.groupId,
      name: group.name,
      skill_group_id: group.skillGroupId,
      enabled: group.enabled ? 1 : 0,
      created_at: now,
      updated_at: now,
    }
    await this.db.transaction().execute(async (trx) => {
      const account = await trx.selectFrom('qq_accounts').select('self_id').where('self_id', '=', group.selfId).executeTakeFirst()
      if (!account) throw new AppError('invalid_argument', `QQ account ${group.selfId} is not configured`)
      await assertSkillGroup(trx, group.skillGroupId)
      const existing = await trx
        .selectFrom('qq_groups')
        .select('group_id')
        .where('self_id', '=', group.selfId)
        .where('group_id', '=', group.groupId)
        .executeTakeFirst()
      if (existing) throw new AppError('conflict', `Group ${group.groupId} is configured for account ${group.selfId} already`)
      await trx.insertInto('qq_groups').values(row).execute()
    })
    await this.changed([])
    return groupView(row)
  }

  async updateGroup(selfId: string, groupId: string, input: unknown): Promise<QqGroupView> {
    const changes = parse(QqGroupChangesSchema, input, 'QQ group changes')
    const row = await this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('qq_groups')
        .selectAll()
        .where('self_id', '=', selfId.slice(0, 20))
        .where('group_id', '=', groupId.slice(0, 20))
        .executeTakeFirst()
      if (!existing) throw new AppError('not_found', 'No such QQ group')
      if (changes.skillGroupId !== undefined) await assertSkillGroup(trx, changes.skillGroupId)
      const updated: QqGroupsTable = {
        ...existing,
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.skillGroupId !== undefined ? { skill_group_id: changes.skillGroupId } : {}),
        ...(changes.enabled !== undefined ? { enabled: changes.enabled ? 1 : 0 } : {}),
        updated_at: this.now(),
      }
      await trx.updateTable('qq_groups').set(updated).where('self_id', '=', existing.self_id).where('group_id', '=', existing.group_id).execute()
      return updated
    })
    await this.changed([])
    return groupView(row)
  }

  async removeGroup(selfId: string, groupId: string): Promise<void> {
    const result = await this.db
      .deleteFrom('qq_groups')
      .where('self_id', '=', selfId.slice(0, 20))
      .where('group_id', '=', groupId.slice(0, 20))
      .executeTakeFirst()
    if (Number(result.numDeletedRows) === 0) throw new AppError('not_found', 'No such QQ group')
    await this.changed([])
  }

  private async changed(accounts: readonly string[]): Promise<void> {
    const snapshot = await this.load()
    for (const listener of this.listeners) listener(snapshot, accounts)
  }
}

async function assertSkillGroup(trx: Kysely<Database>, skillGroupId: string): Promise<void> {
  const group = await trx.selectFrom('skill_groups').select('id').where('id', '=', skillGroupId).executeTakeFirst()
  if (!group) throw new AppError('invalid_argument', `No skill group ${skillGroupId.slice(0, 64)}`)
}
