import { randomPersonName, type PersonName } from './chinese-names'
import type { City } from './places'
import type { Random } from './random'

/**
 * Enterprise (政企) customer tiers, lowest to highest value: 1A are the key accounts, served
 * first like 钻 and 金 consumers (the routing rules of the inbox issue name 1A–2A as top tiers).
 */
export const ENTERPRISE_TIERS = ['5A', '4A', '3A', '2A', '1A'] as const
export type EnterpriseTier = (typeof ENTERPRISE_TIERS)[number]

export interface Company {
  name: string
  /** For the e-mail domain: hengtongwl.com.cn */
  domain: string
  contact: PersonName
  contactTitle: string
}

/** 字号 (the distinctive part of a company name) characters, with pinyin for the domain. */
const BRAND_CHARACTERS: readonly (readonly [string, string])[] = [
  ['华', 'hua'], ['信', 'xin'], ['恒', 'heng'], ['通', 'tong'], ['新', 'xin'], ['宇', 'yu'], ['博', 'bo'],
  ['远', 'yuan'], ['中', 'zhong'], ['联', 'lian'], ['盛', 'sheng'], ['达', 'da'], ['瑞', 'rui'], ['丰', 'feng'],
  ['鼎', 'ding'], ['鸿', 'hong'], ['泰', 'tai'], ['天', 'tian'], ['成', 'cheng'], ['嘉', 'jia'], ['禾', 'he'],
  ['凯', 'kai'], ['旭', 'xu'], ['明', 'ming'], ['德', 'de'], ['汇', 'hui'], ['海', 'hai'], ['创', 'chuang'],
  ['智', 'zhi'], ['正', 'zheng'], ['安', 'an'], ['永', 'yong'], ['利', 'li'], ['万', 'wan'], ['兴', 'xing'],
  ['辰', 'chen'], ['启', 'qi'], ['航', 'hang'], ['卓', 'zhuo'], ['益', 'yi'],
]

/** [行业, domain suffix] */
const INDUSTRIES: readonly (readonly [string, string])[] = [
  ['科技', 'tech'], ['信息技术', 'it'], ['网络科技', 'net'], ['物流', 'wl'], ['贸易', 'trade'],
  ['建设工程', 'jsgc'], ['餐饮管理', 'cy'], ['医疗器械', 'med'], ['文化传媒', 'media'], ['电子', 'dz'],
  ['机械制造', 'jx'], ['物业管理', 'wy'], ['教育咨询', 'edu'], ['酒店管理', 'hotel'], ['汽车销售服务', 'auto'],
  ['食品', 'food'], ['实业', 'sy'], ['供应链管理', 'scm'], ['环保科技', 'eco'], ['新能源', 'energy'],
]

/** Hospitals, schools and government offices are a large part of 政企 accounts, mostly the higher tiers. */
const INSTITUTIONS: readonly (readonly [string, string])[] = [
  ['第一人民医院', 'hospital1'], ['第二人民医院', 'hospital2'], ['中医院', 'tcm'], ['妇幼保健院', 'fybjy'],
  ['实验中学', 'syzx'], ['第一中学', 'yz'], ['政务服务中心', 'zwfw'], ['公共交通集团有限公司', 'bus'],
  ['自来水有限公司', 'water'], ['城市管理局', 'cgj'], ['图书馆', 'library'], ['职业技术学院', 'vtc'],
]

const CONTACT_TITLES = ['行政经理', '办公室主任', 'IT主管', '采购经理', '信息中心主任', '总经理助理', '网络管理员', '后勤部主任']

export function randomCompany(random: Random, city: City, tier: EnterpriseTier): Company {
  const rank = ENTERPRISE_TIERS.indexOf(tier)
  const contact = randomPersonName(random)
  const contactTitle = random.pick(CONTACT_TITLES)
  if (random.chance(0.1 + rank * 0.08)) {
    const [institution, code] = random.pick(INSTITUTIONS)
    return { name: `${city.name}市${institution}`, domain: `${city.pinyin}${code}.gov.cn`, contact, contactTitle }
  }
  const brand = random.sample(BRAND_CHARACTERS, 2)
  const [industry, industryCode] = random.pick(INDUSTRIES)
  const suffix = rank >= 3 && random.chance(0.5) ? '集团有限公司' : random.chance(0.15) ? '股份有限公司' : '有限公司'
  // Registered names carry the city in front (深圳市…) or, for many, in the middle (…(深圳)…).
  const name = random.chance(0.8)
    ? `${city.name}市${brand.map(([c]) => c).join('')}${industry}${suffix}`
    : `${brand.map(([c]) => c).join('')}${industry}（${city.name}）${suffix}`
  const domain = `${brand.map(([, p]) => p).join('')}${industryCode}.${random.chance(0.6) ? 'com.cn' : 'com'}`
  return { name, domain, contact, contactTitle }
}
