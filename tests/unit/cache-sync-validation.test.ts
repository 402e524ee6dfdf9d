import { describe, expect, it } from 'vitest'
import { validChange } from '../../src/main/services/cache/sync-apply'
import { SyncChangeSchema } from '../../src/shared/protocol/sync'
import { demoChanges } from '../support/dataset-changes'

/** The cache checks each change against its entity's schema; it must accept and refuse exactly what SyncChangeSchema does. */
describe('validChange', () => {
  const data = demoChanges({ customers: 20, articles: 30 })
  const article = data.changes.find((c) => c.entity === 'kb_article')!
  const customer = data.changes.find((c) => c.entity === 'customer')!

  const cases: unknown[] = [
    ...data.changes,
    { seq: 5, entity: 'customer', id: 'x', deleted: true, data: null },
    { ...article, extra: 'dropped' },
    { ...customer, data: { ...customer.data!, extra: 1 } },
    null,
    'text',
    [],
    { ...article, seq: 0 },
    { ...article, seq: 1.5 },
    { ...article, entity: 'ticket' },
    { ...article, entity: '__proto__' },
    { ...article, id: 'x'.repeat(141) },
    { ...article, deleted: 'no' },
    { ...article, deleted: true },
    { seq: 5, entity: 'customer', id: 'x', deleted: true, data: {} },
    { ...article, data: null },
    { ...article, data: { ...article.data!, title: 42 } },
    { ...customer, data: { ...customer.data!, contacts: [{ id: 'c', kind: 'fax', value: '1', normalized: '1' }] } },
  ]

  it.each(cases.map((c, i) => [i, c]))('case %i agrees with SyncChangeSchema', (_i, raw) => {
    const expected = SyncChangeSchema.safeParse(raw)
    const got = validChange(raw)
    if (expected.success) expect(got).toEqual(expected.data)
    else expect(got).toBeNull()
  })
})
