import { useTranslation } from 'react-i18next'
import { useNavigation } from '../shell/navigation'
import { registrationText } from './phone-text'
import { usePhoneStore } from './phone-store'

/** 已注册 / 注册中 / 未注册 / 注册失败(原因) in the status bar; a click opens the phone page. */
export function RegistrationIndicator() {
  const { t } = useTranslation()
  const snapshot = usePhoneStore((s) => s.snapshot)
  const go = useNavigation((s) => s.go)
  if (!snapshot) return null
  const { registration } = snapshot
  const text = registrationText(t, registration)
  // Registered without a media engine means calls would have no audio: say so.
  const noAudio = registration.state === 'registered' && !snapshot.mediaReady
  return (
    <button
      type="button"
      className={`phone-registration phone-registration--${registration.state}`}
      data-testid="phone-registration"
      data-state={registration.state}
      data-error={registration.error ?? ''}
      data-media-ready={snapshot.mediaReady}
      aria-label={t('phone.registration.label', { state: text })}
      title={registration.detail ?? text}
      onClick={() => go('phone')}
    >
      <span className="phone-registration-dot" aria-hidden="true" />
      <span className="phone-registration-text">{text}</span>
      {noAudio && <span className="phone-registration-warning">{t('phone.registration.noAudio')}</span>}
    </button>
  )
}
