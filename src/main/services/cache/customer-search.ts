/**
 * Finding customers: the screen pop (exact normalised contact, one index probe) and the search
 * box (contacts in any format, partial numbers, names and companies), best matches first.
 *
 * Names and companies are matched as substrings with instr() over a folded copy: 50,000
 * customers scan in a few milliseconds (bench/kb-search.ts measures it), which needs no second
 * index to keep in step, and matches one-character Chinese names exactly.
 *
 * Partial numbers: agents often have only part of a number ("the one ending in 6688", or the
 * first digits they heard), so 4+ digits also match the start or the end of a phone or QQ
 * number — the end through an index on the reversed number. Those rank below exact contacts and
 * names, so a full number still puts its owner first.
 */
import { normalizeEmail, normalizePhone, normalizeQq, type ContactKind } from '../../../shared/domain/contact-normalize'
import type { CustomerSummary } from '../../../shared/ipc/views'
import { foldForSearch } from './customer-store'
import type { Sqlite } from './sqlite'

const RANK_EXACT_CONTACT = 0
const RANK_EXACT_NAME = 1
const RANK_NAME_PREFIX = 2
const RANK_PARTIAL_CONTACT = 3
const RANK_SUBSTRING = 4

/** Partial-number matches considered per query; the best few are shown anyway. */
const PARTIAL_CAP = 200
const MIN_PARTIAL_DIGITS = 4

interface Candidate {
  rank: number
  contact: { kind: ContactKind; value: string } | null
}

interface ContactHit {
  customer_id: string
  kind: ContactKind
  value: string
}

/** The smallest string greater than every string starting with `prefix`. */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)
}

function exactContacts(sql: Sqlite, kind: ContactKind, normalized: string): ContactHit[] {
  return sql.all<ContactHit>('SELECT customer_id, kind, value FROM customer_contacts WHERE kind = ? AND normalized = ? ORDER BY customer_id', kind, normalized)
}

function contactsStartingWith(sql: Sqlite, kind: ContactKind, prefix: string): ContactHit[] {
  return sql.all<ContactHit>(
    'SELECT customer_id, kind, value FROM customer_contacts WHERE kind = ? AND normalized >= ? AND normalized < ? LIMIT ?',
    kind,
    prefix,
    prefixEnd(prefix),
    PARTIAL_CAP,
  )
}

function phonesEndingWith(sql: Sqlite, digits: string): ContactHit[] {
  const reversed = Array.from(digits).reverse().join('')
  return sql.all<ContactHit>(
    "SELECT customer_id, kind, value FROM customer_contacts WHERE kind = 'phone' AND reversed >= ? AND reversed < ? LIMIT ?",
    reversed,
    prefixEnd(reversed),
    PARTIAL_CAP,
  )
}

function nameMatches(sql: Sqlite, folded: string, limit: number): Array<{ id: string; rank: number }> {
  return sql.all<{ id: string; rank: number }>(
    `SELECT id, CASE
       WHEN instr(search_text, ? || char(10)) = 1 THEN ${RANK_EXACT_NAME}
       WHEN instr(search_text, ?) = 1 OR instr(search_text, char(10) || ?) > 0 THEN ${RANK_NAME_PREFIX}
       ELSE ${RANK_SUBSTRING} END AS rank
     FROM customers WHERE instr(search_text, ?) > 0
     ORDER BY rank, length(name), name LIMIT ?`,
    folded,
    folded,
    folded,
    folded,
    limit,
  )
}

function summaries(sql: Sqlite, candidates: Map<string, Candidate>, limit: number): CustomerSummary[] {
  if (candidates.size === 0) return []
  const rows = sql.all<{ id: string; name: string; tier: string; kind: 'person' | 'enterprise'; company: string | null; city: string | null; phone: string | null }>(
    `SELECT c.id, c.name, c.tier, c.kind, c.company, c.city,
       (SELECT value FROM customer_contacts p WHERE p.customer_id = c.id AND p.kind = 'phone' ORDER BY p.position LIMIT 1) AS phone
     FROM customers c WHERE c.id IN (SELECT value FROM json_each(?))`,
    JSON.stringify([...candidates.keys()]),
  )
  return rows
    .map((row) => ({ row, candidate: candidates.get(row.id)! }))
    .sort((a, b) => a.candidate.rank - b.candidate.rank || a.row.name.length - b.row.name.length || a.row.name.localeCompare(b.row.name, 'zh-CN') || a.row.id.localeCompare(b.row.id))
    .slice(0, limit)
    .map(({ row, candidate }) => ({
      id: row.id,
      name: row.name,
      tier: row.tier,
      kind: row.kind,
      company: row.company,
      city: row.city,
      contact: candidate.contact ?? (row.phone !== null ? { kind: 'phone', value: row.phone } : null),
    }))
}

export function lookupCustomers(sql: Sqlite, kind: ContactKind, normalized: string): CustomerSummary[] {
  const candidates = new Map<string, Candidate>()
  for (const hit of exactContacts(sql, kind, normalized)) {
    if (!candidates.has(hit.customer_id)) candidates.set(hit.customer_id, { rank: RANK_EXACT_CONTACT, contact: { kind: hit.kind, value: hit.value } })
  }
  return summaries(sql, candidates, 50)
}

export function searchCustomers(sql: Sqlite, query: string, limit: number): CustomerSummary[] {
  const trimmed = query.trim()
  if (trimmed === '') return []
  const candidates = new Map<string, Candidate>()
  const offer = (customerId: string, rank: number, contact: Candidate['contact']) => {
    const known = candidates.get(customerId)
    if (!known || rank < known.rank) candidates.set(customerId, { rank, contact })
  }
  const offerContacts = (hits: ContactHit[], rank: number) => hits.forEach((h) => offer(h.customer_id, rank, { kind: h.kind, value: h.value }))

  const phone = normalizePhone(trimmed)
  const email = normalizeEmail(trimmed)
  const qq = normalizeQq(trimmed)
  if (phone) offerContacts(exactContacts(sql, 'phone', phone), RANK_EXACT_CONTACT)
  if (email) offerContacts(exactContacts(sql, 'email', email), RANK_EXACT_CONTACT)
  if (qq) offerContacts(exactContacts(sql, 'qq', qq), RANK_EXACT_CONTACT)

  const digits = phone ?? (/^[\d\s\-()+.]+$/.test(trimmed) ? trimmed.replace(/\D/g, '') : null)
  if (digits !== null && digits.length >= MIN_PARTIAL_DIGITS) {
    offerContacts(contactsStartingWith(sql, 'phone', digits), RANK_PARTIAL_CONTACT)
    offerContacts(phonesEndingWith(sql, digits), RANK_PARTIAL_CONTACT)
    offerContacts(contactsStartingWith(sql, 'qq', digits), RANK_PARTIAL_CONTACT)
  }
  const folded = foldForSearch(trimmed)
  // The start of an address ("zhangwei", "zhangwei@16") finds the mailbox.
  if (/^[\w.+-]{3,}@?[\w.-]*$/u.test(folded) && !/^\d+$/.test(folded)) offerContacts(contactsStartingWith(sql, 'email', folded), RANK_PARTIAL_CONTACT)

  // A number or an address is not part of a name: those skip the scan over every name.
  const looksLikeContact = (digits !== null && digits.length >= MIN_PARTIAL_DIGITS) || folded.includes('@')
  if (!looksLikeContact) for (const match of nameMatches(sql, folded, limit)) offer(match.id, match.rank, null)
  return summaries(sql, candidates, limit)
}
