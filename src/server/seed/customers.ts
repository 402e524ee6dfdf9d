import { normalizeContact, type ContactKind } from '../../shared/domain/contact-normalize'
import type { CustomerContactsTable, NewCustomer } from '../db/schema'
import { randomPersonName, type PersonName } from './chinese-names'
import { ENTERPRISE_TIERS, randomCompany, type EnterpriseTier } from './companies'
import { randomLandline, randomMobile, type TypedNumber } from './phone-numbers'
import { CITY_WEIGHTS, type City } from './places'
import type { Random } from './random'

/** Consumer (家庭及个人) tiers, highest value first: diamond, gold, silver, basic. */
export const CONSUMER_TIERS = ['钻', '金', '银', '基础'] as const
export type ConsumerTier = (typeof CONSUMER_TIERS)[number]
export type CustomerTier = ConsumerTier | EnterpriseTier

export const ALL_TIERS: readonly CustomerTier[] = [...CONSUMER_TIERS, ...ENTERPRISE_TIERS]

/** Few customers in the top tiers, most in the bottom ones — like a real customer base. */
const TIER_WEIGHTS: readonly (readonly [CustomerTier, number])[] = [
  ['钻', 2], ['金', 7], ['银', 18], ['基础', 57],
  ['5A', 5.5], ['4A', 4.5], ['3A', 3], ['2A', 2], ['1A', 1],
]

export interface CustomerData {
  customers: NewCustomer[]
  contacts: CustomerContactsTable[]
}

const DAY = 86_400_000

const PERSON_TAGS: Record<ConsumerTier, readonly string[]> = {
  钻: ['高价值', 'VIP专席', '融合套餐', '国际漫游', '千兆宽带', '合约用户'],
  金: ['高价值', '融合套餐', '宽带用户', '合约用户', '国际漫游', '副卡用户'],
  银: ['宽带用户', '合约用户', '副卡用户', '流量敏感', '融合套餐', 'IPTV用户'],
  基础: ['宽带用户', '校园卡', '老年用户', '流量敏感', '携号转网风险', '投诉敏感', '夜间勿扰', '预付费'],
}

const ENTERPRISE_TAGS = ['政企专线', '企业宽带', '集团V网', '物联网卡', 'IDC托管', '云电脑', '400号码', '视频监控']
const KEY_ACCOUNT_TAGS = ['重要保障客户', '客户经理对接', '驻场支撑']

const PERSON_NOTES = [
  '',
  '',
  '',
  '偏好短信联系，工作时间不便接听电话。',
  '老年用户，沟通时请放慢语速、耐心解释。',
  '夜间22点后勿扰。',
  '曾投诉宽带频繁掉线，已上门更换光猫，问题解决。',
  '对账单明细关注度高，来电常核对增值业务扣费。',
  '名下有两张副卡（家人使用）。',
  '曾咨询携号转网，已做维系挽留。',
  '听力不好，必要时请转短信或邮件告知。',
  '客户要求所有业务变更需本人到营业厅办理。',
]

export function buildCustomers(random: Random, ids: Random, count: number, now: number): CustomerData {
  const customers: NewCustomer[] = []
  const contacts: CustomerContactsTable[] = []
  const takenKeys = new Set<string>()
  const takenCompanies = new Set<string>()

  const addContact = (customerId: string, kind: ContactKind, value: string): void => {
    const normalized = normalizeContact(kind, value)
    // The generator and the normaliser must agree; a mismatch is a bug in one of them.
    if (normalized === null) throw new Error(`Seed produced a ${kind} the normaliser rejects: ${value}`)
    takenKeys.add(`${kind}:${normalized}`)
    contacts.push({ id: ids.uuid(), customer_id: customerId, kind, value, normalized })
  }

  const freshNumber = (draw: () => TypedNumber): TypedNumber => {
    for (;;) {
      const number = draw()
      if (normalizeContact('phone', number.typed) !== number.national) {
        throw new Error(`Phone normalisation disagrees with the generator: ${number.typed} → ${number.national}`)
      }
      if (!takenKeys.has(`phone:${number.national}`)) return number
    }
  }

  const freshKey = (kind: ContactKind, draw: () => string): string => {
    for (;;) {
      const value = draw()
      if (!takenKeys.has(`${kind}:${normalizeContact(kind, value) ?? ''}`)) return value
    }
  }

  for (const tier of tiersFor(random, count)) {
    const id = ids.uuid()
    const city = random.weighted(CITY_WEIGHTS)
    const createdAt = now - random.int(30, 1800) * DAY - random.int(0, DAY - 1)
    const updatedAt = Math.min(now, createdAt + random.int(0, 400) * DAY)
    const qq = random.chance(isConsumer(tier) ? 0.25 : 0.1) ? freshKey('qq', () => randomQq(random)) : null
    if (isConsumer(tier)) {
      const person = randomPersonName(random)
      customers.push({
        id,
        name: person.full,
        tier,
        kind: 'person',
        company: null,
        city: city.name,
        notes: random.pick(PERSON_NOTES),
        tags: random.sample(PERSON_TAGS[tier], random.int(0, 3)).join(','),
        created_at: createdAt,
        updated_at: updatedAt,
      })
      addContact(id, 'phone', freshNumber(() => randomMobile(random)).typed)
      if (random.chance(0.3)) addContact(id, 'phone', freshNumber(() => randomLandline(random, city)).typed)
      if (random.chance(0.55)) addContact(id, 'email', freshKey('email', () => personalEmail(random, person, qq)))
    } else {
      const company = uniqueCompany(random, city, tier, takenCompanies)
      const rank = ENTERPRISE_TIERS.indexOf(tier)
      const tags = [...random.sample(ENTERPRISE_TAGS, random.int(1, 3)), ...(rank >= 3 ? [random.pick(KEY_ACCOUNT_TAGS)] : [])]
      customers.push({
        id,
        name: company.name,
        tier,
        kind: 'enterprise',
        company: company.name,
        city: city.name,
        notes: `联系人：${company.contact.full}（${company.contactTitle}）`,
        tags: tags.join(','),
        created_at: createdAt,
        updated_at: updatedAt,
      })
      // Companies are usually reached on the switchboard and the contact person's mobile.
      addContact(id, 'phone', freshNumber(() => randomLandline(random, city)).typed)
      if (random.chance(0.6)) addContact(id, 'phone', freshNumber(() => randomMobile(random)).typed)
      if (random.chance(0.85)) addContact(id, 'email', freshKey('email', () => companyEmail(random, company.contact, company.domain)))
    }
    if (qq !== null) addContact(id, 'qq', qq)
  }
  return { customers, contacts }
}

function isConsumer(tier: CustomerTier): tier is ConsumerTier {
  return (CONSUMER_TIERS as readonly string[]).includes(tier)
}

/**
 * Tiers by weight, but every tier at least once when there are enough customers, so demos and
 * tests always have a 钻 customer and a 1A account to open.
 */
function tiersFor(random: Random, count: number): CustomerTier[] {
  const guaranteed = count >= ALL_TIERS.length ? [...ALL_TIERS] : []
  const drawn = Array.from({ length: count - guaranteed.length }, () => random.weighted(TIER_WEIGHTS))
  return random.shuffle([...guaranteed, ...drawn])
}

function uniqueCompany(random: Random, city: City, tier: EnterpriseTier, taken: Set<string>): ReturnType<typeof randomCompany> {
  for (;;) {
    const company = randomCompany(random, city, tier)
    if (!taken.has(company.name)) {
      taken.add(company.name)
      return company
    }
  }
}

function randomQq(random: Random): string {
  const number = String(random.int(1, 9)) + Array.from({ length: random.int(6, 9) }, () => random.int(0, 9)).join('')
  // Some people type the label into the field too.
  return random.weighted<string>([[number, 85], [`QQ:${number}`, 8], [`QQ ${number}`, 7]])
}

const PERSONAL_MAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['163.com', 28], ['qq.com', 25], ['126.com', 10], ['139.com', 7], ['sina.com', 6], ['foxmail.com', 6],
  ['outlook.com', 5], ['gmail.com', 4], ['sohu.com', 3], ['yeah.net', 2], ['aliyun.com', 4],
]

function personalEmail(random: Random, person: PersonName, qq: string | null): string {
  // QQ users very often use their QQ mailbox, whose address is the QQ number.
  if (qq !== null && random.chance(0.5)) return `${qq.replace(/\D/g, '')}@qq.com`
  const year = String(random.int(1960, 2005))
  const handle = random.weighted<string>([
    [`${person.surnamePinyin}${person.givenPinyin}`, 30],
    [`${person.givenPinyin}.${person.surnamePinyin}`, 15],
    [`${person.surnamePinyin}${person.givenPinyin}${year.slice(2)}`, 25],
    [`${person.surnamePinyin}_${person.givenPinyin}${random.int(1, 999)}`, 15],
    [`${person.givenPinyin}${year}`, 15],
  ])
  return asTyped(random, `${handle}@${random.weighted(PERSONAL_MAIL_DOMAINS)}`)
}

function companyEmail(random: Random, contact: PersonName, domain: string): string {
  const handle = random.weighted<string>([
    [`${contact.surnamePinyin}${contact.givenPinyin}`, 40],
    [`${contact.givenPinyin}.${contact.surnamePinyin}`, 20],
    ['service', 10],
    ['admin', 10],
    ['office', 10],
    [`${contact.surnamePinyin}${random.int(1, 99)}`, 10],
  ])
  return asTyped(random, `${handle}@${domain}`)
}

/** People capitalise and leave spaces around addresses; normalisation must cope. */
function asTyped(random: Random, email: string): string {
  return random.weighted<string>([
    [email, 85],
    [email.charAt(0).toUpperCase() + email.slice(1), 8],
    [` ${email} `, 4],
    [email.toUpperCase(), 3],
  ])
}
