/** Customers through the cache worker: search in every contact format, screen pop, the card, notes and edits. */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalCache } from '../../src/main/services/cache/local-cache'
import { openLocalCache } from '../../src/main/services/cache/open-local-cache'
import type { CustomerRecord } from '../../src/shared/domain/records'
import type { Operation } from '../../src/shared/protocol/sync'
import { demoChanges, pagesOf, type DatasetChanges } from '../support/dataset-changes'

let dir: string
let cache: LocalCache
let data: DatasetChanges
let seq = 1_000_000

const AGENT = { id: 'agent-c', name: '测试座席' }

function note(customerId: string, text: string): Extract<Operation, { type: 'customer.note' }> {
  return { id: randomUUID(), type: 'customer.note', payload: { customerId, noteId: randomUUID(), text }, createdAt: Date.now() }
}

function byKind(kind: 'phone' | 'email' | 'qq'): { customer: CustomerRecord; value: string; normalized: string }[] {
  return data.customers.flatMap((customer) => customer.contacts.filter((c) => c.kind === kind).map((c) => ({ customer, value: c.value, normalized: c.normalized })))
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cache-customers-'))
  data = demoChanges({ customers: 300, articles: 20 })
  cache = await openLocalCache({ dir, agentId: 'agent-c' })
  for (const page of pagesOf(data.changes, 500)) await cache.applyChanges(page.changes, page.cursor)
})

afterAll(async () => {
  await cache?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('customer search', () => {
  it('finds the owner of a phone typed in any format, first', async () => {
    const mobiles = byKind('phone').filter((p) => /^1\d{10}$/.test(p.normalized)).slice(0, 10)
    expect(mobiles.length).toBe(10)
    for (const { customer, value, normalized } of mobiles) {
      const n = normalized
      const formats = [value, n, `+86 ${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}`, `${n.slice(0, 3)}-${n.slice(3, 7)}-${n.slice(7)}`, `+86${n}`, `0086 ${n}`, '１' + n.slice(1)]
      for (const typed of formats) {
        const [first] = await cache.searchCustomers(typed, 5)
        expect(first?.id, `${typed} → ${customer.name}`).toBe(customer.id)
        expect(first?.contact).toEqual({ kind: 'phone', value })
      }
    }
    const landline = byKind('phone').find((p) => p.normalized.startsWith('0'))!
    const area = landline.normalized.startsWith('01') || landline.normalized.startsWith('02') ? 3 : 4
    const typed = `(${landline.normalized.slice(0, area)}) ${landline.normalized.slice(area)}`
    expect((await cache.searchCustomers(typed, 5))[0]?.id).toBe(landline.customer.id)
    expect((await cache.searchCustomers(`+86 ${landline.normalized.slice(1)}`, 5))[0]?.id).toBe(landline.customer.id)
  })

  it('finds customers by the last digits (4+) or the first digits of a number', async () => {
    const { customer, normalized } = byKind('phone')[3]!
    const tail = normalized.slice(-6)
    const found = await cache.searchCustomers(tail, 20)
    expect(found.map((c) => c.id)).toContain(customer.id)
    for (const hit of found.filter((c) => c.contact?.kind === 'phone')) expect(hit.contact!.value.replace(/\D/g, '').endsWith(tail) || hit.contact!.value.replace(/\D/g, '').includes(tail)).toBe(true)
    const head = normalized.slice(0, 7)
    expect((await cache.searchCustomers(head, 50)).map((c) => c.id)).toContain(customer.id)
    // Three digits are too few to mean a number fragment.
    expect((await cache.searchCustomers(normalized.slice(-3), 50)).filter((c) => c.contact?.kind === 'phone').length).toBe(0)
  })

  it('finds customers by email in any case and by the start of the address, and by QQ with or without its label', async () => {
    const emails = byKind('email').slice(0, 5)
    for (const { customer, normalized } of emails) {
      expect((await cache.searchCustomers(normalized.toUpperCase(), 5))[0]?.id).toBe(customer.id)
      expect((await cache.searchCustomers(` mailto:${normalized} `, 5))[0]?.id).toBe(customer.id)
      const local = normalized.split('@')[0]!
      if (local.length >= 3) expect((await cache.searchCustomers(local, 50)).map((c) => c.id)).toContain(customer.id)
    }
    const qqs = byKind('qq').slice(0, 5)
    expect(qqs.length).toBeGreaterThan(0)
    for (const { customer, normalized } of qqs) {
      for (const typed of [normalized, `QQ:${normalized}`, `qq ${normalized}`, `QQ号 ${normalized}`]) {
        const found = await cache.searchCustomers(typed, 5)
        expect(found[0]?.id, typed).toBe(customer.id)
      }
    }
  })

  it('finds names and companies by any part, exact name before prefix before substring', async () => {
    const person = data.customers.find((c) => c.kind === 'person' && Array.from(c.name).length >= 2)!
    const exact = await cache.searchCustomers(person.name, 20)
    expect(exact[0]?.name).toBe(person.name)
    const surname = Array.from(person.name)[0]!
    const bySurname = await cache.searchCustomers(surname, 100)
    expect(bySurname.every((c) => c.name.includes(surname) || (c.company ?? '').includes(surname))).toBe(true)
    const expectedCount = data.customers.filter((c) => c.name.includes(surname) || (c.company ?? '').includes(surname)).length
    expect(bySurname.length).toBe(Math.min(100, expectedCount))
    // Names starting with the character come before names merely containing it.
    const firstContaining = bySurname.findIndex((c) => !c.name.startsWith(surname))
    if (firstContaining !== -1) expect(bySurname.slice(firstContaining).every((c) => !c.name.startsWith(surname))).toBe(true)

    const company = data.customers.find((c) => c.kind === 'enterprise')!
    const middle = Array.from(company.company!).slice(3, 6).join('')
    expect((await cache.searchCustomers(middle, 50)).map((c) => c.id)).toContain(company.id)
  })

  it('puts an exact contact match above name matches and never fails on odd input', async () => {
    const { customer, normalized } = byKind('phone')[0]!
    const found = await cache.searchCustomers(normalized, 10)
    expect(found[0]?.id).toBe(customer.id)
    for (const odd of ['', '   ', '%', '_', "'", '"', '\\', '😀', 'a'.repeat(200), '--', '()', '+', '@']) {
      await expect(cache.searchCustomers(odd, 10)).resolves.toBeInstanceOf(Array)
    }
    expect(await cache.searchCustomers('%', 10)).toEqual([])
  })
})

describe('screen pop', () => {
  it('looks up customers by normalised phone, email and QQ', async () => {
    for (const kind of ['phone', 'email', 'qq'] as const) {
      const { customer, value, normalized } = byKind(kind)[1]!
      const found = await cache.lookupCustomers(kind, normalized)
      expect(found.map((c) => c.id)).toEqual([customer.id])
      expect(found[0]!.contact).toEqual({ kind, value })
    }
    expect(await cache.lookupCustomers('phone', '00000000000')).toEqual([])
  })

  it('answers in well under a few milliseconds through the worker', async () => {
    const phones = byKind('phone').slice(0, 200)
    const started = performance.now()
    for (const p of phones) await cache.lookupCustomers('phone', p.normalized)
    const perLookup = (performance.now() - started) / phones.length
    expect(perLookup).toBeLessThan(5)
  })
})

describe('customer card', () => {
  it('shows the contacts and the newest 50 interactions first, with their delivery', async () => {
    const customer = data.customers[0]!
    const card = (await cache.getCustomer(customer.id))!
    expect(card.customer).toEqual(customer)
    expect(card.pendingUpdate).toBeNull()
    const times = card.interactions.map((i) => i.at)
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    expect(card.interactions.every((i) => i.delivery === 'sent')).toBe(true)
    expect(card.interactions.length).toBe(data.interactions.filter((i) => i.customerId === customer.id).length)
    for (let i = 0; i < 60; i++) await cache.addNote({ ...note(customer.id, `备注${i}`), createdAt: Date.UTC(2030, 0, 1) + i }, AGENT)
    const full = (await cache.getCustomer(customer.id))!
    expect(full.interactions.length).toBe(50)
    expect(full.interactions[0]!.summary).toBe('备注59')
    expect(full.interactions[0]!.delivery).toBe('pending')
    expect(await cache.getCustomer('no-such-customer')).toBeNull()
  })

  it('keeps a local note pending when the server copy arrives first, and marks it sent on delivery', async () => {
    const customer = data.customers[1]!
    const op = note(customer.id, '客户要求下周回电')
    const view = await cache.addNote(op, AGENT)
    expect(view).toMatchObject({ id: op.payload.noteId, channel: 'note', direction: 'internal', summary: '客户要求下周回电', agentName: AGENT.name, delivery: 'pending' })
    await cache.applyChanges(
      [
        {
          seq: ++seq,
          entity: 'interaction',
          id: op.payload.noteId,
          deleted: false,
          data: { id: op.payload.noteId, customerId: customer.id, channel: 'note', direction: 'internal', summary: '客户要求下周回电', agentId: AGENT.id, agentName: AGENT.name, at: op.createdAt },
        },
      ],
      seq,
    )
    const shown = (await cache.getCustomer(customer.id))!.interactions.filter((i) => i.id === op.payload.noteId)
    expect(shown).toHaveLength(1)
    expect(shown[0]!.delivery).toBe('pending')
    await cache.recordResults([{ id: op.id, status: 'applied' }])
    expect((await cache.getCustomer(customer.id))!.interactions.find((i) => i.id === op.payload.noteId)!.delivery).toBe('sent')
  })

  it('refuses a note for a customer not in the cache, and a note id used twice, changing nothing', async () => {
    const before = await cache.outboxStatus()
    await expect(cache.addNote(note('no-such-customer', 'x'), AGENT)).rejects.toMatchObject({ code: 'not_found' })
    const first = note(data.customers[2]!.id, '第一次')
    await cache.addNote(first, AGENT)
    await expect(cache.addNote({ ...note(data.customers[2]!.id, '第二次'), payload: { ...first.payload, text: '第二次' } }, AGENT)).rejects.toMatchObject({ code: 'conflict' })
    await expect(cache.addNote({ ...first, payload: { ...first.payload, noteId: randomUUID() } }, AGENT)).rejects.toMatchObject({ code: 'conflict' })
    expect((await cache.outboxStatus()).pending).toBe(before.pending + 1)
    await expect(cache.addNote({ ...note(data.customers[2]!.id, ''), type: 'customer.note' }, AGENT)).rejects.toMatchObject({ code: 'invalid_argument' })
  })

  it('shows a local edit at once, keeps it over a newer server record, and finds the customer by the new name', async () => {
    const customer = data.customers[5]!
    const op: Extract<Operation, { type: 'customer.update' }> = {
      id: randomUUID(),
      type: 'customer.update',
      payload: { customerId: customer.id, baseVersion: customer.version, changes: { name: '欧阳测试', tags: ['回访'] } },
      createdAt: Date.now(),
    }
    const card = await cache.updateCustomer(op)
    expect(card.customer).toMatchObject({ name: '欧阳测试', tags: ['回访'], city: customer.city })
    expect(card.pendingUpdate).toBe('pending')
    expect((await cache.searchCustomers('欧阳测', 5))[0]?.id).toBe(customer.id)
    // Someone else changed the city on the server meanwhile: both show.
    const newer = { ...customer, city: '拉萨', version: customer.version + 1 }
    await cache.applyChanges([{ seq: ++seq, entity: 'customer', id: customer.id, deleted: false, data: newer }], seq)
    const merged = (await cache.getCustomer(customer.id))!
    expect(merged.customer).toMatchObject({ name: '欧阳测试', tags: ['回访'], city: '拉萨', version: customer.version + 1 })
    expect(merged.pendingUpdate).toBe('pending')
    await cache.recordResults([{ id: op.id, status: 'applied' }])
    const delivered = (await cache.getCustomer(customer.id))!
    expect(delivered.pendingUpdate).toBeNull()
    expect(delivered.customer).toMatchObject({ name: '欧阳测试', city: '拉萨' })
    await expect(cache.updateCustomer({ ...op, id: randomUUID(), payload: { ...op.payload, customerId: 'nobody' } })).rejects.toMatchObject({ code: 'not_found' })
  })

  it('deletes a customer on a tombstone, with its synced history and contacts', async () => {
    const customer = data.customers[7]!
    const phone = customer.contacts.find((c) => c.kind === 'phone')!
    await cache.applyChanges([{ seq: ++seq, entity: 'customer', id: customer.id, deleted: true, data: null }], seq)
    expect(await cache.getCustomer(customer.id)).toBeNull()
    expect(await cache.lookupCustomers('phone', phone.normalized)).toEqual([])
    expect((await cache.searchCustomers(customer.name, 50)).map((c) => c.id)).not.toContain(customer.id)
  })
})
