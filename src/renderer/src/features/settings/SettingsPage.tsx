import { useTranslation } from 'react-i18next'
import type { AgentSettingKey } from '../../../../shared/domain/settings'
import { errorText } from '../../i18n/error-text'
import { PhoneSettings } from '../phone/PhoneSettings'
import { chooseLanguage, useSettingsStore } from './settings-store'
import './settings.css'

/** 设置: the agent's own preferences (synced to their other desktops) and the centre's values, read-only. */
export function SettingsPage() {
  const { t } = useTranslation()
  const view = useSettingsStore((s) => s.view)
  const loadState = useSettingsStore((s) => s.loadState)
  const loadError = useSettingsStore((s) => s.loadError)
  const saveError = useSettingsStore((s) => s.saveError)
  const setSetting = useSettingsStore((s) => s.set)

  const pending = (key: AgentSettingKey) =>
    view?.pendingKeys.includes(key) ? (
      <span className="settings-pending" data-testid={`settings-pending-${key}`}>
        {t('settings.pending')}
      </span>
    ) : null

  return (
    <section className="page settings-page" data-testid="settings-page">
      <header className="page-header">
        <h2 className="page-title">{t('settings.title')}</h2>
      </header>
      <p className="muted settings-intro">{t('settings.intro')}</p>
      {loadState === 'loading' && !view && <p className="list-placeholder">{t('settings.loading')}</p>}
      {loadState === 'failed' && loadError && (
        <p className="form-error" role="alert">
          {t('settings.failed', { error: errorText(t, loadError) })}
        </p>
      )}
      {saveError && (
        <p className="form-error" role="alert" data-testid="settings-save-error">
          {t('settings.saveFailed', { error: errorText(t, saveError) })}
        </p>
      )}
      {view && (
        <>
          <fieldset className="settings-group">
            <legend>{t('settings.personal')}</legend>
            <div className="settings-row">
              <span className="settings-label" id="settings-language-label">
                {t('settings.language')}
              </span>
              <div className="settings-choice" role="radiogroup" aria-labelledby="settings-language-label">
                {(['zh-CN', 'en'] as const).map((language) => (
                  <label key={language} className="checkbox-field">
                    <input
                      type="radio"
                      name="settings-language"
                      data-testid={`settings-language-${language}`}
                      checked={view.agent['ui.language'] === language}
                      onChange={() => void chooseLanguage(language)}
                    />
                    <span lang={language}>{language === 'zh-CN' ? t('settings.languageZh') : t('settings.languageEn')}</span>
                  </label>
                ))}
              </div>
              {pending('ui.language')}
            </div>
            {(['notify.sound', 'notify.desktop'] as const).map((key) => (
              <div className="settings-row" key={key}>
                <label className="checkbox-field settings-label">
                  <input
                    type="checkbox"
                    data-testid={`settings-${key}`}
                    checked={view.agent[key]}
                    onChange={(event) => void setSetting({ key, value: event.target.checked })}
                  />
                  {key === 'notify.sound' ? t('settings.notifySound') : t('settings.notifyDesktop')}
                </label>
                {pending(key)}
              </div>
            ))}
          </fieldset>
          <fieldset className="settings-group" data-testid="settings-centre">
            <legend>{t('settings.centre')}</legend>
            <dl className="settings-values">
              <dt>{t('settings.offerTimeout')}</dt>
              <dd>{t('settings.seconds', { count: view.centre['inbox.offerTimeoutSec'] })}</dd>
              <dt>{t('settings.acwDuration')}</dt>
              <dd>{t('settings.seconds', { count: view.centre['acw.durationSec'] })}</dd>
              <dt>{t('settings.recording')}</dt>
              <dd>
                {view.centre['recording.policy'] === 'all'
                  ? t('settings.recordingAll')
                  : view.centre['recording.policy'] === 'on_demand'
                    ? t('settings.recordingOnDemand')
                    : t('settings.recordingNone')}
              </dd>
            </dl>
          </fieldset>
        </>
      )}
      <PhoneSettings />
    </section>
  )
}
