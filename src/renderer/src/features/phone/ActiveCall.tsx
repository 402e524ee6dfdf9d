import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CallView } from '../../../../shared/domain/phone'
import { formatDuration } from '../../lib/format-duration'
import { useNow } from '../../lib/clock'
import { TierBadge } from '../customers/TierBadge'
import { useDraft } from '../drafts/use-draft'
import { AudioDevicePicker } from './AudioDevicePicker'
import { Keypad } from './Keypad'
import { callStateText, partyName, phoneErrorText } from './phone-text'
import { phoneShortcuts } from './phone-shortcuts'
import { isPending, phone, usePhoneStore, type DtmfVia, type PhoneAction } from './phone-store'

type Panel = 'none' | 'dtmf' | 'transfer' | 'devices'

/** The key under which notes typed during a call are kept (and handed to after-call work). */
export function callNoteKey(callId: string): string {
  return `phone-note:${callId}`
}

function CallTimer({ call }: { call: CallView }) {
  const { t } = useTranslation()
  const now = useNow()
  const since = call.answeredAt ?? call.offeredAt
  return (
    <span className="call-timer numeric" data-testid="call-timer" role="timer" aria-label={t('phone.call.timer')}>
      {formatDuration(now - since)}
    </span>
  )
}

/** One live call: who, how long, and every control the agent has over it. */
export function ActiveCall({ call, consultedBy }: { call: CallView; consultedBy: CallView | null }) {
  const { t } = useTranslation()
  const [panel, setPanel] = useState<Panel>('none')
  const pending = usePhoneStore((s) => s.pending)
  const lastError = usePhoneStore((s) => s.lastError)
  const onDemand = usePhoneStore((s) => s.snapshot?.recordingPolicy === 'on_demand')
  const busy = (action: PhoneAction) => isPending(pending, action, call.id)
  const active = call.state === 'active'
  const isConsult = call.consultFor !== null
  const toggle = (p: Panel) => setPanel((current) => (current === p ? 'none' : p))
  const error = lastError && lastError.callId === call.id ? phoneErrorText(t, lastError.action, lastError.error) : null

  return (
    <section
      className={`call-card call-card--${call.state}${call.held ? ' call-card--held' : ''}${isConsult ? ' call-card--consult' : ''}`}
      aria-label={t('phone.call.label', { who: partyName(t, call) })}
      data-testid="active-call"
      data-call-id={call.id}
      data-state={call.state}
      data-direction={call.direction}
      data-held={call.held}
      data-remote-held={call.remoteHeld}
      data-muted={call.muted}
      data-conferenced={call.conferenced}
      data-consult-for={call.consultFor ?? ''}
    >
      <header className="call-card-header">
        {call.customer && <TierBadge tier={call.customer.tier} testId="call-tier" />}
        <strong className="call-card-party" data-testid="call-party">
          {partyName(t, call)}
        </strong>
        <span className="call-card-number numeric">{call.remoteNumber}</span>
      </header>
      <div className="call-card-status">
        <span className="call-state" data-testid="call-state">
          {callStateText(t, call)}
        </span>
        <CallTimer call={call} />
        {call.muted && <span className="call-flag">{t('phone.call.mutedFlag')}</span>}
        {call.conferenced && <span className="call-flag call-flag--conference">{t('phone.call.conferenceFlag')}</span>}
        {isConsult && <span className="call-flag">{t('phone.call.consultFlag')}</span>}
        {call.recording && (
          <span className="call-flag call-flag--recording" data-testid="call-recording">
            {t('phone.call.recordingFlag')}
          </span>
        )}
        {consultedBy && <span className="call-flag">{t('phone.call.consultingFlag', { who: partyName(t, consultedBy) })}</span>}
      </div>
      {call.dtmfReceived !== '' && (
        <p className="call-dtmf-received">
          {t('phone.dtmf.received')}{' '}
          <span className="numeric" data-testid="dtmf-received">
            {call.dtmfReceived}
          </span>
        </p>
      )}

      <div className="call-controls" role="toolbar" aria-label={t('phone.call.controls')}>
        <button
          type="button"
          className="button button--small"
          data-testid="call-mute"
          aria-pressed={call.muted}
          aria-keyshortcuts={`Control+Shift+${phoneShortcuts.mute}`}
          disabled={!active || busy('mute')}
          onClick={() => void phone.mute(call.id, !call.muted)}
        >
          {call.muted ? t('phone.call.unmute') : t('phone.call.mute')}
        </button>
        <button
          type="button"
          className="button button--small"
          data-testid="call-hold"
          aria-pressed={call.held}
          disabled={!active || busy('hold')}
          onClick={() => void phone.hold(call.id, !call.held)}
        >
          {call.held ? t('phone.call.resume') : t('phone.call.hold')}
        </button>
        <button type="button" className="button button--small" data-testid="call-keypad-toggle" aria-expanded={panel === 'dtmf'} disabled={!active} onClick={() => toggle('dtmf')}>
          {t('phone.call.keypad')}
        </button>
        {!isConsult && (
          <button type="button" className="button button--small" data-testid="call-transfer-toggle" aria-expanded={panel === 'transfer'} disabled={!active} onClick={() => toggle('transfer')}>
            {t('phone.call.transfer')}
          </button>
        )}
        {onDemand && (
          <button
            type="button"
            className="button button--small"
            data-testid="call-record"
            aria-pressed={call.recording}
            disabled={!active || busy('record')}
            onClick={() => void phone.record(call.id, !call.recording)}
          >
            {call.recording ? t('phone.call.stopRecording') : t('phone.call.record')}
          </button>
        )}
        <button type="button" className="button button--small" data-testid="call-devices-toggle" aria-expanded={panel === 'devices'} onClick={() => toggle('devices')}>
          {t('phone.call.devices')}
        </button>
        <button
          type="button"
          className="button button--small button--danger"
          data-testid="call-hangup"
          aria-keyshortcuts={`Control+Shift+${phoneShortcuts.hangup}`}
          disabled={busy('hangup')}
          onClick={() => void phone.hangup(call.id)}
        >
          {t('phone.call.hangup')}
        </button>
      </div>

      {isConsult && <ConsultActions call={call} />}
      {panel === 'dtmf' && <DtmfPanel call={call} />}
      {panel === 'transfer' && <TransferPanel call={call} onDone={() => setPanel('none')} />}
      {panel === 'devices' && <AudioDevicePicker idPrefix={`call-${call.id}`} />}
      {error && (
        <p className="inline-error" role="alert" data-testid="call-error">
          {error}
        </p>
      )}
      <CallNotes callId={call.id} />
    </section>
  )
}

/** 咨询 call of an attended transfer: hand the held caller over, join all three, or go back. */
function ConsultActions({ call }: { call: CallView }) {
  const { t } = useTranslation()
  const pending = usePhoneStore((s) => s.pending)
  const original = usePhoneStore((s) => s.snapshot?.calls.find((c) => c.id === call.consultFor) ?? null)
  const connected = call.state === 'active'
  const busy = isPending(pending, 'completeTransfer', call.id) || isPending(pending, 'conference', call.id) || isPending(pending, 'hangup', call.id)
  return (
    <div className="call-consult-actions" role="group" aria-label={t('phone.consult.label')}>
      <button type="button" className="button button--small button--primary" data-testid="consult-complete" disabled={!connected || busy || !original} onClick={() => void phone.completeTransfer(call.id)}>
        {t('phone.consult.complete')}
      </button>
      <button type="button" className="button button--small" data-testid="consult-conference" disabled={!connected || busy || !original} onClick={() => void phone.conference(call.id)}>
        {t('phone.consult.conference')}
      </button>
      <button
        type="button"
        className="button button--small"
        data-testid="consult-return"
        disabled={busy}
        onClick={async () => {
          // Back to the caller: end the consultation and take the caller off hold.
          const result = await phone.hangup(call.id)
          if ('error' in result || !call.consultFor) return
          const held = usePhoneStore.getState().snapshot?.calls.find((c) => c.id === call.consultFor)
          if (held && held.state === 'active' && held.held) await phone.hold(held.id, false)
        }}
      >
        {t('phone.consult.return')}
      </button>
    </div>
  )
}

function DtmfPanel({ call }: { call: CallView }) {
  const { t } = useTranslation()
  const [via, setVia] = useState<DtmfVia>('rfc4733')
  return (
    <div className="call-dtmf" data-testid="call-dtmf">
      <Keypad testId="dtmf-keypad" onKey={(key) => void phone.dtmf(call.id, key, via)} />
      <div className="call-dtmf-footer">
        <span className="muted">
          {t('phone.dtmf.sent')} <span className="numeric" data-testid="dtmf-sent">{call.dtmfSent || '—'}</span>
        </span>
        <label className="call-dtmf-via">
          <span>{t('phone.dtmf.via')}</span>
          <select data-testid="dtmf-via" value={via} onChange={(e) => setVia(e.target.value === 'info' ? 'info' : 'rfc4733')}>
            <option value="rfc4733">{t('phone.dtmf.rfc4733')}</option>
            <option value="info">{t('phone.dtmf.info')}</option>
          </select>
        </label>
      </div>
    </div>
  )
}

/** 转接: straight away (blind, REFER) or after talking to the target first (consult). */
function TransferPanel({ call, onDone }: { call: CallView; onDone(): void }) {
  const { t } = useTranslation()
  const [target, setTarget] = useState('')
  const pending = usePhoneStore((s) => s.pending)
  const busy = isPending(pending, 'transfer', call.id) || isPending(pending, 'consult', call.id)
  const [error, setError] = useState<string | null>(null)
  const act = async (action: 'transfer' | 'consult') => {
    setError(null)
    const result = action === 'transfer' ? await phone.transfer(call.id, target) : await phone.consult(call.id, target)
    if ('error' in result) setError(phoneErrorText(t, action, result.error))
    else onDone()
  }
  return (
    <form
      className="call-transfer"
      data-testid="call-transfer"
      onSubmit={(e) => {
        e.preventDefault()
        void act('transfer')
      }}
    >
      <input
        className="search-input"
        data-testid="transfer-target"
        aria-label={t('phone.transfer.target')}
        placeholder={t('phone.transfer.placeholder')}
        inputMode="tel"
        maxLength={64}
        value={target}
        onChange={(e) => {
          setTarget(e.target.value)
          setError(null)
        }}
      />
      <div className="call-transfer-actions">
        <button type="submit" className="button button--small button--primary" data-testid="transfer-blind" disabled={busy || target.trim() === ''}>
          {t('phone.transfer.blind')}
        </button>
        <button type="button" className="button button--small" data-testid="transfer-consult" disabled={busy || target.trim() === ''} onClick={() => void act('consult')}>
          {t('phone.transfer.consult')}
        </button>
      </div>
      {error && (
        <p className="inline-error" role="alert" data-testid="transfer-error">
          {error}
        </p>
      )}
    </form>
  )
}

/** Notes while talking: kept as a draft (nothing lost on a reload) and offered again in after-call work. */
function CallNotes({ callId }: { callId: string }) {
  const { t } = useTranslation()
  const draft = useDraft(callNoteKey(callId))
  return (
    <label className="call-notes">
      <span className="field-label">{t('phone.call.notes')}</span>
      <textarea
        className="textarea"
        data-testid="call-notes"
        rows={2}
        maxLength={5_000}
        placeholder={t('phone.call.notesPlaceholder')}
        value={draft.text}
        disabled={!draft.loaded}
        onChange={(e) => draft.setText(e.target.value)}
      />
    </label>
  )
}
