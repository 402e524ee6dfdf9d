import { currentLanguage } from '../i18n'

const pad = (n: number): string => String(n).padStart(2, '0')

/** 14:05, for "synced at" and today's times. */
export function formatClock(ms: number): string {
  const date = new Date(ms)
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/** 2024-05-17 14:05 in both languages: unambiguous, and how Chinese call-centre logs write it. */
export function formatDateTime(ms: number): string {
  const date = new Date(ms)
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${formatClock(ms)}`
}

/** Today's times as 14:05, older ones with their date. */
export function formatWhen(ms: number, now: number = Date.now()): string {
  const date = new Date(ms)
  const today = new Date(now)
  const sameDay = date.getFullYear() === today.getFullYear() && date.getMonth() === today.getMonth() && date.getDate() === today.getDate()
  return sameDay ? formatClock(ms) : formatDateTime(ms)
}

/** Thousands separators for counts such as a sync's 12,345 / 150,000. */
export function formatCount(n: number): string {
  return n.toLocaleString(currentLanguage() === 'en' ? 'en-US' : 'zh-CN')
}
