/**
 * Contact points as people type them → the key that look-ups match on (customer_contacts.normalized).
 * Shared by the server (storage, screen pop) and the desktop (offline cache look-ups), so it is
 * plain TypeScript with no Node or DOM dependency. Every function returns null for input that
 * cannot be a contact of that kind, so callers decide whether that is an error.
 */

export type ContactKind = 'phone' | 'email' | 'qq'

/** Longer than any real contact: refuse early instead of running patterns over pasted garbage. */
const MAX_INPUT_LENGTH = 256

const MAX_EMAIL_LENGTH = 254
/** 3 covers short service numbers (110, 10086); 20 is beyond any E.164 number plus prefix. */
const MIN_PHONE_DIGITS = 3
const MAX_PHONE_DIGITS = 20

/**
 * Chinese input methods produce full-width digits and symbols (１３８, ＋, ＠, ：); NFKC folds
 * them to ASCII so a number typed either way matches.
 */
function fold(raw: string): string | null {
  if (typeof raw !== 'string' || raw.length > MAX_INPUT_LENGTH) return null
  const folded = raw.normalize('NFKC').trim()
  return folded === '' ? null : folded
}

/** Extensions (转 8001, ext. 12, x12, #12) are not part of the caller id, so they are dropped. */
const EXTENSION = /\s*(?:转|分机|ext\.?|x|#)\s*\d{1,6}$/i
const PHONE_CHARACTERS = /^[\d\s\-()./+]+$/
/** One plus, before any digit: `+86 …`, `(+86) …`. */
const INTERNATIONAL_PLUS = /^[^\d+]*\+[^+]*$/
const CHINA_MOBILE_NUMBER = /^1\d{10}$/
/** Area code plus local number is 9–11 digits without the trunk 0, never fewer. */
const MIN_LANDLINE_DIGITS_WITHOUT_TRUNK = 9

/**
 * Digits as dialled inside China: mobiles as 11 digits, landlines with the trunk 0 and area code
 * (01062345678), so `+86 10 6234 5678` and `010-62345678` give the same key. Foreign numbers
 * keep their country code behind the international prefix 00, as a Chinese switch presents them.
 */
export function normalizePhone(raw: string): string | null {
  const folded = fold(raw)
  if (folded === null) return null
  const text = folded.replace(EXTENSION, '')
  if (!PHONE_CHARACTERS.test(text)) return null
  const plusCount = text.split('+').length - 1
  if (plusCount > 1 || (plusCount === 1 && !INTERNATIONAL_PLUS.test(text))) return null
  const digits = text.replace(/\D/g, '')
  const national = nationalDigits(digits, plusCount === 1)
  if (national === null) return null
  if (national.length < MIN_PHONE_DIGITS || national.length > MAX_PHONE_DIGITS) return null
  return national
}

function nationalDigits(digits: string, hasPlus: boolean): string | null {
  if (digits.startsWith('0086')) return withTrunkPrefix(digits.slice(4))
  if (hasPlus) return digits.startsWith('86') ? withTrunkPrefix(digits.slice(2)) : `00${digits}`
  // Without a plus, a leading 86 is a country code only when what follows is a full number that
  // does not start with the trunk 0; an 8-digit local number may well begin with 86.
  const rest = digits.slice(2)
  if (digits.startsWith('86') && (rest.length === 10 || rest.length === 11) && !rest.startsWith('0')) {
    return withTrunkPrefix(rest)
  }
  return digits
}

function withTrunkPrefix(national: string): string | null {
  if (national === '') return null
  if (CHINA_MOBILE_NUMBER.test(national) || national.startsWith('0')) return national
  return national.length >= MIN_LANDLINE_DIGITS_WITHOUT_TRUNK ? `0${national}` : national
}

const EMAIL_SHAPE = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]+$/

/** Lower-cased and trimmed. Only the shape is checked; whether the mailbox exists is not knowable here. */
export function normalizeEmail(raw: string): string | null {
  const folded = fold(raw)
  if (folded === null) return null
  const email = folded.replace(/^mailto:/i, '').toLowerCase()
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_SHAPE.test(email)) return null
  return email
}

/** QQ numbers are 5–11 digits and never start with 0; people often prefix them with "QQ:". */
const QQ_NUMBER = /^[1-9]\d{4,10}$/

export function normalizeQq(raw: string): string | null {
  const folded = fold(raw)
  if (folded === null) return null
  const qq = folded.replace(/^qq\s*(?:号|:)?\s*/i, '').replace(/[\s-]/g, '')
  return QQ_NUMBER.test(qq) ? qq : null
}

export function normalizeContact(kind: ContactKind, raw: string): string | null {
  switch (kind) {
    case 'phone':
      return normalizePhone(raw)
    case 'email':
      return normalizeEmail(raw)
    case 'qq':
      return normalizeQq(raw)
  }
}
