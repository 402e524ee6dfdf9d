import type { TFunction } from 'i18next'
import type { CallView, Registration } from '../../../../shared/domain/phone'
import type { AppError } from '../../../../shared/errors'
import { errorText } from '../../i18n/error-text'
import type { PhoneAction } from './phone-store'

/** The status bar's words for the registration, with the reason when it failed. */
export function registrationText(t: TFunction, registration: Registration): string {
  if (registration.state !== 'failed') return t(`phone.registration.${registration.state}`)
  const reason = registration.error ? t(`phone.registration.reason.${registration.error}`) : (registration.detail ?? '')
  return reason ? t('phone.registration.failedWith', { reason }) : t('phone.registration.failed')
}

const numberActions: readonly PhoneAction[] = ['dial', 'transfer', 'consult']

/**
 * An action's failure in the agent's words. A refused number (letters, too long) is the phone's
 * invalid_argument for the target; other failures use the shared error texts.
 */
export function phoneErrorText(t: TFunction, action: PhoneAction, error: AppError): string {
  if (error.code === 'invalid_argument' && numberActions.includes(action)) return t('phone.errors.badNumber')
  return t('phone.errors.actionFailed', { action: t(`phone.actions.${action}`), detail: errorText(t, error) })
}

/** 呼叫中 / 振铃 / 通话中 / 保持中 / 对方保持 / 已结束, as the agent thinks of a call. */
export function callStateText(t: TFunction, call: CallView): string {
  if (call.state === 'active' && call.held) return t('phone.call.state.held')
  if (call.state === 'active' && call.remoteHeld) return t('phone.call.state.remoteHeld')
  if (call.state === 'ringing' && call.direction === 'outbound') return t('phone.call.state.dialing')
  return t(`phone.call.state.${call.state}`)
}

/** The other party in one line: the customer (screen pop), else the SIP display name, else the number. */
export function partyName(t: TFunction, call: CallView): string {
  return call.customer?.name ?? call.remoteName ?? (call.remoteNumber || t('phone.incoming.unknownCaller'))
}
