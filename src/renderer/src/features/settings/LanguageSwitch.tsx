import { useTranslation } from 'react-i18next'
import { changeLanguage, currentLanguage } from '../../i18n'
import { useSessionStore } from '../session/session-store'
import { chooseLanguage } from './settings-store'

/**
 * One button that flips between 中文 and English; it names the language it switches to. Signed in,
 * the choice is stored for the agent (it follows them to their other desktops); before sign-in it
 * applies to this desktop only.
 */
export function LanguageSwitch() {
  const { t } = useTranslation()
  const signedIn = useSessionStore((s) => s.phase === 'signedIn')
  const language = currentLanguage()
  const other = language === 'en' ? 'zh-CN' : 'en'
  return (
    <button
      type="button"
      className="button button--ghost button--small"
      data-testid="lang-switch"
      data-lang={language}
      lang={other}
      title={t('language.switchHint')}
      onClick={() => void (signedIn ? chooseLanguage(other) : changeLanguage(other))}
    >
      {t('language.switchTo')}
    </button>
  )
}
