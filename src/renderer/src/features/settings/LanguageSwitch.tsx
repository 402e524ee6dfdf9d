import { useTranslation } from 'react-i18next'
import { changeLanguage, currentLanguage } from '../../i18n'

/** One button that flips between 中文 and English; it names the language it switches to. */
export function LanguageSwitch() {
  const { t } = useTranslation()
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
      onClick={() => void changeLanguage(other)}
    >
      {t('language.switchTo')}
    </button>
  )
}
