import type { City } from './places'
import type { Random } from './random'

/** A number as dialled inside China (the normalised key) and how a person typed it into a form. */
export interface TypedNumber {
  national: string
  typed: string
}

/** Mobile number blocks of the three operators plus virtual operators (170/171 excluded: fraud-prone). */
const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '153',
  '155', '156', '157', '158', '159', '166', '173', '175', '176', '177', '178', '180', '181', '182', '183',
  '184', '185', '186', '187', '188', '189', '191', '198', '199',
]

/** Local numbers in these cities are 8 digits and do not start with 0, 1 or 9 (reserved for services). */
const LOCAL_FIRST_DIGITS = ['2', '3', '5', '6', '8']

function digits(random: Random, count: number): string {
  return Array.from({ length: count }, () => String(random.int(0, 9))).join('')
}

/** Full-width forms as a Chinese input method types them when the user forgets to switch. */
function fullWidth(text: string): string {
  return text.replace(/[0-9+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
}

export function randomMobile(random: Random): TypedNumber {
  const national = random.pick(MOBILE_PREFIXES) + digits(random, 8)
  const [a, b, c] = [national.slice(0, 3), national.slice(3, 7), national.slice(7)]
  const typed = random.weighted<string>([
    [national, 50],
    [`${a} ${b} ${c}`, 15],
    [`+86 ${a} ${b} ${c}`, 12],
    [`+86${national}`, 8],
    [`${a}-${b}-${c}`, 8],
    [`86-${national}`, 3],
    [`(+86) ${national}`, 2],
    [fullWidth(national), 2],
  ])
  return { national, typed }
}

export function randomLandline(random: Random, city: City): TypedNumber {
  const local = random.pick(LOCAL_FIRST_DIGITS) + digits(random, 7)
  const area = city.areaCode
  const national = area + local
  const [head, tail] = [local.slice(0, 4), local.slice(4)]
  const typed = random.weighted<string>([
    [`${area}-${local}`, 45],
    [`${area} ${head} ${tail}`, 20],
    [`(${area})${local}`, 10],
    [national, 10],
    [`+86 ${area.slice(1)} ${head} ${tail}`, 8],
    [`${area}-${local}转${random.int(800, 8999)}`, 5],
    [`0086-${area.slice(1)}-${local}`, 2],
  ])
  return { national, typed }
}
