import { useTranslation } from 'react-i18next'
import { useNavigation } from '../shell/navigation'
import { CallLog } from './CallLog'
import { DialPad } from './DialPad'
import { registrationText } from './phone-text'
import { phoneShortcuts } from './phone-shortcuts'
import { usePhoneStore } from './phone-store'
import './phone.css'

/** 电话: the dial pad and the call log; live calls show in the call dock on every page. */
export function PhonePage() {
  const { t } = useTranslation()
  const snapshot = usePhoneStore((s) => s.snapshot)
  const go = useNavigation((s) => s.go)
  return (
    <section className="page phone-page" data-testid="phone-page">
      <header className="page-header">
        <h2 className="page-title">{t('phone.title')}</h2>
        {snapshot && (
          <span className={`phone-page-registration phone-registration--${snapshot.registration.state}`} data-testid="phone-page-registration">
            {registrationText(t, snapshot.registration)}
          </span>
        )}
      </header>
      {snapshot?.registration.state === 'unconfigured' && (
        <p className="banner banner--warning" data-testid="phone-unconfigured">
          {t('phone.unconfigured')}{' '}
          <button type="button" className="button button--small" onClick={() => go('settings')}>
            {t('phone.openSettings')}
          </button>
        </p>
      )}
      {snapshot && snapshot.recordingsPending > 0 && (
        <p className="muted" data-testid="recordings-pending">
          {t('phone.recordingsPending', { count: snapshot.recordingsPending })}
        </p>
      )}
      <div className="phone-page-body">
        <DialPad />
        <CallLog />
      </div>
      <p className="muted phone-shortcuts">
        {t('phone.shortcuts', { answer: `Ctrl+Shift+${phoneShortcuts.answer}`, hangup: `Ctrl+Shift+${phoneShortcuts.hangup}`, mute: `Ctrl+Shift+${phoneShortcuts.mute}` })}
      </p>
    </section>
  )
}
