/**
 * The demo's QQ traffic: the demo seed plus its QQ configuration, and the simulator posting into
 * the demo groups through a real reverse WebSocket until conversations queue in the skill groups.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_QQ_GROUPS, demoQqMembers, seedDemoQqConfig } from '../../src/server/channels/qq/demo-config'
import { seedDemoData } from '../../src/server/seed'
import { runQqSimulator, type QqSimulator } from '../../src/server/simulator/qq-simulator'
import { startSeededCentre, type RunningCentre } from '../support/centre-process'
import { eventually } from '../support/inbox-centre'

let centre: RunningCentre
let members: { userId: string; name: string }[] = []
let simulator: QqSimulator | undefined

beforeAll(async () => {
  centre = await startSeededCentre(async (db) => {
    await seedDemoData(db, { customers: 200, articles: 10 })
    const summary = await seedDemoQqConfig(db)
    expect(summary.groups).toHaveLength(3)
    // Seeding again changes nothing.
    expect((await seedDemoQqConfig(db)).groups).toEqual(summary.groups)
    members = await demoQqMembers(db, 5)
  })
})

afterAll(async () => {
  await simulator?.stop()
  await centre?.cleanup()
})

describe('QQ customer simulator', () => {
  it('fills the demo groups with Chinese conversations routed to their skill groups', async () => {
    simulator = runQqSimulator({ serverUrl: centre.server.url, messagesPerMinute: 1_200, seed: 7, members })
    const db = centre.server.db
    const rows = await eventually(async () => {
      const found = await db.selectFrom('conversations').select(['subject', 'skill_group_id', 'identity_name', 'last_message_preview']).where('channel', '=', 'qq').execute()
      return new Set(found.map((r) => r.subject)).size >= 2 && found.length >= 8 ? found : undefined
    }, 'simulated QQ conversations', 20_000)
    await simulator.stop()
    const groupNames = new Set(DEMO_QQ_GROUPS.map((g) => g.name))
    const skillByName = new Map((await db.selectFrom('skill_groups').select(['id', 'name']).execute()).map((s) => [s.name, s.id]))
    for (const row of rows) {
      expect(groupNames.has(row.subject)).toBe(true)
      const group = DEMO_QQ_GROUPS.find((g) => g.name === row.subject)
      expect(row.skill_group_id).toBe(skillByName.get(group?.skillGroupName ?? ''))
      expect(row.identity_name).not.toBe('')
      expect(row.last_message_preview).toMatch(/[\u4e00-\u9fff]/)
    }
    expect(simulator.posted).toBeGreaterThanOrEqual(8)
  })
})
