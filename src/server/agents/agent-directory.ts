import type { AgentProfile, ReasonCode, Role } from '../../shared/domain/agent'
import type { Db } from '../db/database'
import type { AgentRow } from '../db/schema'

export interface AgentRecord {
  profile: AgentProfile
  passwordHash: string
  disabled: boolean
}

/** Read access to agents, teams and the configured reason codes. */
export class AgentDirectory {
  constructor(private readonly db: Db) {}

  async findByUsername(username: string): Promise<AgentRecord | undefined> {
    const row = await this.db.selectFrom('agents').selectAll().where('username', '=', username).executeTakeFirst()
    return row ? this.toRecord(row) : undefined
  }

  async findById(id: string): Promise<AgentRecord | undefined> {
    const row = await this.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? this.toRecord(row) : undefined
  }

  async profile(id: string): Promise<AgentProfile | undefined> {
    return (await this.findById(id))?.profile
  }

  /** Agents a supervisor may see: their own team for a lead, everyone for an admin. */
  async visibleTo(viewer: { role: Role; teamId: string | null }): Promise<AgentProfile[]> {
    let query = this.db.selectFrom('agents').selectAll().where('disabled', '=', 0).orderBy('username')
    if (viewer.role !== 'admin') {
      if (!viewer.teamId) return []
      query = query.where('team_id', '=', viewer.teamId)
    }
    const rows = await query.execute()
    return Promise.all(rows.map(async (row) => (await this.toRecord(row)).profile))
  }

  async skillGroups(): Promise<{ id: string; name: string }[]> {
    return this.db.selectFrom('skill_groups').select(['id', 'name']).orderBy('name').execute()
  }

  async reasonCodes(): Promise<ReasonCode[]> {
    const rows = await this.db.selectFrom('reason_codes').selectAll().where('active', '=', 1).orderBy('sort').execute()
    return rows.map((r) => ({ code: r.code, labelZh: r.label_zh, labelEn: r.label_en }))
  }

  async isReasonCode(code: string): Promise<boolean> {
    const row = await this.db.selectFrom('reason_codes').select('code').where('code', '=', code).where('active', '=', 1).executeTakeFirst()
    return !!row
  }

  private async toRecord(row: AgentRow): Promise<AgentRecord> {
    const [team, skills] = await Promise.all([
      row.team_id ? this.db.selectFrom('teams').select('name').where('id', '=', row.team_id).executeTakeFirst() : undefined,
      this.db
        .selectFrom('agent_skills')
        .innerJoin('skill_groups', 'skill_groups.id', 'agent_skills.skill_group_id')
        .select(['skill_groups.id', 'skill_groups.name'])
        .where('agent_skills.agent_id', '=', row.id)
        .orderBy('skill_groups.name')
        .execute(),
    ])
    return {
      profile: {
        id: row.id,
        username: row.username,
        displayName: row.display_name,
        role: row.role,
        teamId: row.team_id,
        teamName: team?.name ?? null,
        skillGroups: skills.map((s) => s.name),
        skillGroupIds: skills.map((s) => s.id),
      },
      passwordHash: row.password_hash,
      disabled: row.disabled !== 0,
    }
  }
}
