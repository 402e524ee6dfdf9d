import type { AgentsTable, ReasonCodesTable, SkillGroupsTable } from '../db/schema'
import { uniquePersonName } from './chinese-names'
import type { Random } from './random'

export type SkillKey = 'billing' | 'broadband' | 'orders' | 'complaints'

export interface SkillGroupSeed extends Omit<SkillGroupsTable, 'vip'> {
  key: SkillKey
}

export interface TeamSeed {
  id: string
  name: string
}

/** An agents row minus the password hash, which is added later because hashing is slow and async. */
export type StaffSeed = Omit<AgentsTable, 'password_hash'>

export interface AgentSkillSeed {
  agent_id: string
  skill_group_id: string
  level: number
}

export interface Organisation {
  skillGroups: SkillGroupSeed[]
  teams: TeamSeed[]
  staff: StaffSeed[]
  agentSkills: AgentSkillSeed[]
  reasonCodes: ReasonCodesTable[]
}

const SKILL_GROUPS: readonly { key: SkillKey; name: string; description: string }[] = [
  { key: 'billing', name: '话费账单', description: '话费与账单查询、费用解读、缴费充值、退费及费用争议处理' },
  { key: 'broadband', name: '宽带故障', description: '宽带、固话及IPTV故障报修，远程排障与上门维修预约' },
  { key: 'orders', name: '业务办理', description: '套餐变更、号卡业务、增值业务的开通、变更与退订' },
  { key: 'complaints', name: '投诉处理', description: '投诉受理与定级、升级投诉、申诉转办及投诉回访' },
]

/**
 * Each team leans towards some skills, as real centres organise groups around queues; the
 * weights decide which skills its agents get.
 */
const TEAMS: readonly { name: string; focus: readonly (readonly [SkillKey, number])[] }[] = [
  { name: '客服一组', focus: [['billing', 5], ['orders', 4], ['broadband', 1], ['complaints', 1]] },
  { name: '客服二组', focus: [['broadband', 5], ['billing', 3], ['orders', 2], ['complaints', 1]] },
  { name: '客服三组', focus: [['complaints', 5], ['orders', 3], ['billing', 2], ['broadband', 1]] },
]

export const AGENTS_PER_TEAM = 10

/** 示忙 reasons; codes are stable identifiers stored in presence and logs, labels are for people. */
export const REASON_CODES: readonly ReasonCodesTable[] = [
  { code: 'break', label_zh: '小休', label_en: 'Break', sort: 10, active: 1 },
  { code: 'meal', label_zh: '就餐', label_en: 'Meal', sort: 20, active: 1 },
  { code: 'restroom', label_zh: '如厕', label_en: 'Restroom', sort: 30, active: 1 },
  { code: 'training', label_zh: '培训', label_en: 'Training', sort: 40, active: 1 },
  { code: 'meeting', label_zh: '会议', label_en: 'Meeting', sort: 50, active: 1 },
  { code: 'coaching', label_zh: '辅导', label_en: 'Coaching', sort: 60, active: 1 },
  { code: 'work_order', label_zh: '工单处理', label_en: 'Work orders', sort: 70, active: 1 },
  { code: 'other', label_zh: '其他', label_en: 'Other', sort: 99, active: 1 },
]

/** How many skills an agent has: most have two, new hires one, seniors three. */
const SKILL_COUNT_WEIGHTS: readonly (readonly [number, number])[] = [[1, 30], [2, 45], [3, 25]]

export function buildOrganisation(random: Random, ids: Random, now: number): Organisation {
  const skillGroups: SkillGroupSeed[] = SKILL_GROUPS.map((g) => ({ ...g, id: ids.uuid() }))
  const skillId = (key: SkillKey): string => {
    const group = skillGroups.find((g) => g.key === key)
    if (!group) throw new Error(`Unknown skill group ${key}`)
    return group.id
  }
  const teams: TeamSeed[] = TEAMS.map((t) => ({ id: ids.uuid(), name: t.name }))
  const takenNames = new Set<string>()
  const staff: StaffSeed[] = []
  const agentSkills: AgentSkillSeed[] = []
  // Hired over the last five years; leads and the admin have been here longest.
  const hiredDaysAgo = (min: number, max: number): number => now - random.int(min, max) * 86_400_000

  TEAMS.forEach((team, teamIndex) => {
    const teamId = (teams[teamIndex] as TeamSeed).id
    for (let i = 1; i <= AGENTS_PER_TEAM; i++) {
      const number = teamIndex * AGENTS_PER_TEAM + i
      const id = ids.uuid()
      const skillCount = random.weighted(SKILL_COUNT_WEIGHTS)
      staff.push({
        id,
        username: `agent${String(number).padStart(2, '0')}`,
        display_name: uniquePersonName(random, takenNames).full,
        role: 'agent',
        team_id: teamId,
        // Agents with more skills are the experienced ones and handle more chats at once.
        chat_capacity: 2 + skillCount,
        email_capacity: 2,
        disabled: 0,
        created_at: hiredDaysAgo(30, 1500),
      })
      for (const [index, key] of pickSkills(random, team.focus, skillCount).entries()) {
        // The first skill is the agent's main queue, where they are most proficient (5 = expert).
        const level = index === 0 ? random.int(3, 5) : random.int(1, 3)
        agentSkills.push({ agent_id: id, skill_group_id: skillId(key), level })
      }
    }
  })

  TEAMS.forEach((team, teamIndex) => {
    const id = ids.uuid()
    staff.push({
      id,
      username: `lead${teamIndex + 1}`,
      display_name: uniquePersonName(random, takenNames).full,
      role: 'lead',
      team_id: (teams[teamIndex] as TeamSeed).id,
      chat_capacity: 2,
      email_capacity: 1,
      disabled: 0,
      created_at: hiredDaysAgo(1000, 2500),
    })
    // Leads cover their team's main queues when it gets busy, at expert level.
    for (const key of pickSkills(random, team.focus, 2)) {
      agentSkills.push({ agent_id: id, skill_group_id: skillId(key), level: 5 })
    }
  })

  staff.push({
    id: ids.uuid(),
    username: 'admin',
    display_name: uniquePersonName(random, takenNames).full,
    role: 'admin',
    team_id: null,
    // The administrator takes no customer work, so the router must never give them any.
    chat_capacity: 0,
    email_capacity: 0,
    disabled: 0,
    created_at: hiredDaysAgo(1500, 2500),
  })

  return { skillGroups, teams, staff, agentSkills, reasonCodes: REASON_CODES.map((r) => ({ ...r })) }
}

/** Distinct skills drawn by the team's weights; the heavily weighted ones tend to come first. */
function pickSkills(random: Random, focus: readonly (readonly [SkillKey, number])[], count: number): SkillKey[] {
  const remaining = [...focus]
  const picked: SkillKey[] = []
  while (picked.length < count && remaining.length > 0) {
    const key = random.weighted(remaining)
    picked.push(key)
    remaining.splice(remaining.findIndex(([k]) => k === key), 1)
  }
  return picked
}
