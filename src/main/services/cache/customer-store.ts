/**
 * Customers in the cache. The row is what the agent sees: the server's record with this
 * desktop's queued edits applied in outbox order. While edits are outstanding, the server's own
 * record is kept beside it (base_json), so a sync never wipes an edit the server has not taken
 * yet, and discarding an edit restores the server's version.
 */
import { AppError } from '../../../shared/errors'
import type { ContactRecord, CustomerRecord } from '../../../shared/domain/records'
import type { CustomerChanges } from '../../../shared/protocol/sync'
import type { Sqlite } from './sqlite'

interface CustomerRow {
  id: string
  name: string
  tier: string
  kind: 'person' | 'enterprise'
  company: string | null
  city: string | null
  notes: string
  tags: string
  version: number
  updated_at: number
  base_json: string | null
}

interface ContactRow {
  id: string
  customer_id: string
  kind: ContactRecord['kind']
  value: string
  normalized: string
}

/** Folded the way queries are: NFKC (full-width → ASCII) and lower case. */
export function foldForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase()
}

/** Name and company, one line each, so "starts with" and "contains" are both one instr(). */
function searchText(record: Pick<CustomerRecord, 'name' | 'company'>): string {
  return `${foldForSearch(record.name)}\n${foldForSearch(record.company ?? '')}`
}

function contactsOf(sql: Sqlite, customerId: string): ContactRecord[] {
  return sql
    .all<ContactRow>('SELECT id, customer_id, kind, value, normalized FROM customer_contacts WHERE customer_id = ? ORDER BY position', customerId)
    .map((c) => ({ id: c.id, kind: c.kind, value: c.value, normalized: c.normalized }))
}

export function customerRecord(sql: Sqlite, id: string): CustomerRecord | null {
  const row = sql.get<CustomerRow>('SELECT * FROM customers WHERE id = ?', id)
  if (!row) return null
  return {
    id: row.id,
    name: row.name,
    tier: row.tier,
    kind: row.kind,
    company: row.company,
    city: row.city,
    notes: row.notes,
    tags: JSON.parse(row.tags) as string[],
    contacts: contactsOf(sql, id),
    version: row.version,
    updatedAt: row.updated_at,
  }
}

export function applyCustomerChanges(record: CustomerRecord, changes: CustomerChanges): CustomerRecord {
  return {
    ...record,
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.city !== undefined ? { city: changes.city } : {}),
    ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
    ...(changes.tags !== undefined ? { tags: changes.tags } : {}),
  }
}

/** Queued and conflicting edits of the customer, in the order they will reach the server. */
function outstandingEdits(sql: Sqlite, customerId: string): Array<{ opId: string; changes: CustomerChanges }> {
  return sql
    .all<{ op_id: string; changes_json: string }>(
      `SELECT u.op_id, u.changes_json FROM customer_local_updates u JOIN outbox o ON o.op_id = u.op_id
       WHERE u.customer_id = ? ORDER BY o.position`,
      customerId,
    )
    .map((row) => ({ opId: row.op_id, changes: JSON.parse(row.changes_json) as CustomerChanges }))
}

/** Writes the displayed customer (without its contacts). */
function writeCustomerRow(sql: Sqlite, record: CustomerRecord, base: CustomerRecord | null): void {
  sql.run(
    `INSERT INTO customers (id, name, tier, kind, company, city, notes, tags, version, updated_at, search_text, base_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, tier = excluded.tier, kind = excluded.kind, company = excluded.company,
       city = excluded.city, notes = excluded.notes, tags = excluded.tags, version = excluded.version,
       updated_at = excluded.updated_at, search_text = excluded.search_text, base_json = excluded.base_json`,
    record.id,
    record.name,
    record.tier,
    record.kind,
    record.company,
    record.city,
    record.notes,
    JSON.stringify(record.tags),
    record.version,
    record.updatedAt,
    searchText(record),
    base ? JSON.stringify(base) : null,
  )
}

/** Shows `base` with the outstanding edits on top; forgets the base when there are none. */
function redisplay(sql: Sqlite, base: CustomerRecord): void {
  const edits = outstandingEdits(sql, base.id)
  const shown = edits.reduce((record, edit) => applyCustomerChanges(record, edit.changes), base)
  writeCustomerRow(sql, shown, edits.length > 0 ? base : null)
}

function baseOf(sql: Sqlite, customerId: string): CustomerRecord | null {
  const row = sql.get<{ base_json: string | null }>('SELECT base_json FROM customers WHERE id = ?', customerId)
  if (!row) return null
  return row.base_json ? (JSON.parse(row.base_json) as CustomerRecord) : customerRecord(sql, customerId)
}

// --- sync ------------------------------------------------------------------------------------

export function upsertSyncedCustomer(sql: Sqlite, record: CustomerRecord): void {
  redisplay(sql, record)
  sql.run('DELETE FROM customer_contacts WHERE customer_id = ?', record.id)
  record.contacts.forEach((contact, position) => {
    sql.run(
      `INSERT INTO customer_contacts (id, customer_id, kind, value, normalized, reversed, position) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, kind = excluded.kind, value = excluded.value,
         normalized = excluded.normalized, reversed = excluded.reversed, position = excluded.position`,
      contact.id,
      record.id,
      contact.kind,
      contact.value,
      contact.normalized,
      Array.from(contact.normalized).reverse().join(''),
      position,
    )
  })
}

export function deleteCustomer(sql: Sqlite, id: string): void {
  sql.run('DELETE FROM customers WHERE id = ?', id)
  sql.run('DELETE FROM customer_contacts WHERE customer_id = ?', id)
  // Notes written here stay with their operations; the server decides what becomes of them.
  sql.run('DELETE FROM interactions WHERE customer_id = ? AND op_id IS NULL', id)
}

export function clearCustomers(sql: Sqlite): void {
  sql.run('DELETE FROM customers')
  sql.run('DELETE FROM customer_contacts')
  sql.run('DELETE FROM interactions WHERE op_id IS NULL')
}

// --- local edits -----------------------------------------------------------------------------

export function recordLocalUpdate(sql: Sqlite, opId: string, customerId: string, changes: CustomerChanges): void {
  const base = baseOf(sql, customerId)
  if (!base) throw new AppError('not_found', 'No such customer in the local cache')
  sql.run('INSERT INTO customer_local_updates (op_id, customer_id, changes_json) VALUES (?, ?, ?)', opId, customerId, JSON.stringify(changes))
  redisplay(sql, base)
}

/** The server took the edit: it becomes part of the base until the server's record arrives. */
export function localUpdateDelivered(sql: Sqlite, opId: string): void {
  const edit = sql.get<{ customer_id: string; changes_json: string }>('SELECT customer_id, changes_json FROM customer_local_updates WHERE op_id = ?', opId)
  if (!edit) return
  const base = baseOf(sql, edit.customer_id)
  sql.run('DELETE FROM customer_local_updates WHERE op_id = ?', opId)
  if (base) redisplay(sql, applyCustomerChanges(base, JSON.parse(edit.changes_json) as CustomerChanges))
}

/** The agent gave the edit up: the customer shows the server's record (with any other outstanding edits). */
export function discardLocalUpdate(sql: Sqlite, opId: string): void {
  const edit = sql.get<{ customer_id: string }>('SELECT customer_id FROM customer_local_updates WHERE op_id = ?', opId)
  if (!edit) return
  const base = baseOf(sql, edit.customer_id)
  sql.run('DELETE FROM customer_local_updates WHERE op_id = ?', opId)
  if (base) redisplay(sql, base)
}

/** Shows the customer again from its base and outstanding edits (after their order changed). */
export function refreshCustomer(sql: Sqlite, customerId: string): void {
  const base = baseOf(sql, customerId)
  if (base) redisplay(sql, base)
}

export function customerName(sql: Sqlite, id: string): string | null {
  return sql.get<{ name: string }>('SELECT name FROM customers WHERE id = ?', id)?.name ?? null
}
