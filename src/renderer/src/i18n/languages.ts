export const languages = ['zh-CN', 'en'] as const
export type Language = (typeof languages)[number]
export const defaultLanguage: Language = 'zh-CN'

const STORAGE_KEY = 'omnidesk.language'

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value)
}

export function loadSavedLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    return isLanguage(saved) ? saved : defaultLanguage
  } catch {
    // Storage can be unavailable (privacy settings); the default language still works.
    return defaultLanguage
  }
}

export function saveLanguage(language: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, language)
  } catch {
    // Not remembering the choice is acceptable; the switch itself still applies.
  }
}
