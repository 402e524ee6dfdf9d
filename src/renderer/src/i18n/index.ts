import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import { en } from './en'
import { defaultLanguage, isLanguage, loadSavedLanguage, saveLanguage, type Language } from './languages'
import { zhCN } from './zh-CN'

export function setupI18n(): typeof i18n {
  const language = loadSavedLanguage()
  void i18n.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: language,
    fallbackLng: defaultLanguage,
    // Resources are bundled, so there is nothing to wait for before the first render.
    initAsync: false,
    // React escapes text itself.
    interpolation: { escapeValue: false },
  })
  document.documentElement.lang = language
  return i18n
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : defaultLanguage
}

export async function changeLanguage(language: Language): Promise<void> {
  await i18n.changeLanguage(language)
  saveLanguage(language)
  document.documentElement.lang = language
}
