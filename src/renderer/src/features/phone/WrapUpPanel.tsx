import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DispositionCodeRecord } from '../../../../shared/domain/conversations'
import type { CallView } from '../../../../shared/domain/phone'
import { getAgentApi } from '../../api/agent-api-client'
import { formatDuration } from '../../lib/format-duration'
import { useNow } from '../../lib/clock'
import { useDraft } from '../drafts/use-draft'
import { callNoteKey } from './ActiveCall'
import { partyName, phoneErrorText } from './phone-text'
import { isPending, phone, usePhoneStore } from './phone-store'

function useDispositionCodes(): DispositionCodeRecord[] | null {
  const [codes, setCodes] = useState<DispositionCodeRecord[] | null>(null)
  useEffect(() => {
    let cancelled = false
    getAgentApi()
      .invoke('inbox.dispositionCodes')
      .then((c) => !cancelled && setCodes([...c].sort((a, b) => a.sort - b.sort)))
      .catch(() => !cancelled && setCodes([]))
    return () => {
      cancelled = true
    }
  }, [])
  return codes
}

/**
 * 话后处理: after a call the agent has until `until` to pick a disposition and write notes; then
 * 完成并示闲 (back to ready) or 完成 (stay not ready). Main ends it by itself when time is up.
 */
export function WrapUpPanel({ callId, until, call }: { callId: string; until: number; call: CallView | null }) {
  const { t, i18n } = useTranslation()
  const now = useNow()
  const codes = useDispositionCodes()
  const [disposition, setDisposition] = useState<string | null>(null)
  const note = useDraft(callNoteKey(callId))
  const pending = usePhoneStore((s) => isPending(s.pending, 'wrapUp', callId))
  const [error, setError] = useState<string | null>(null)
  const left = Math.max(0, until - now)
  const english = i18n.language === 'en'

  const finish = async (ready: boolean) => {
    setError(null)
    const result = await phone.wrapUp({ callId, disposition, note: note.text.trim(), ready })
    if ('error' in result) setError(phoneErrorText(t, 'wrapUp', result.error))
    else void note.clear()
  }

  return (
    <section className="call-card call-card--wrapup" aria-labelledby="wrapup-title" data-testid="wrap-up" data-call-id={callId}>
      <header className="call-card-header">
        <span className="call-card-badge call-card-badge--wrapup" id="wrapup-title">
          {t('phone.wrapUp.title')}
        </span>
        {call && <span className="call-card-party">{partyName(t, call)}</span>}
        <span className="call-timer numeric" role="timer" data-testid="wrap-up-countdown" aria-label={t('phone.wrapUp.left')}>
          {formatDuration(left)}
        </span>
      </header>
      <fieldset className="wrap-up-codes">
        <legend>{t('phone.wrapUp.disposition')}</legend>
        {codes === null && <span className="muted">…</span>}
        {codes?.length === 0 && <span className="muted">{t('phone.wrapUp.noCodes')}</span>}
        {codes?.map((code) => (
          <label key={code.id} className="checkbox-field wrap-up-code">
            <input
              type="radio"
              name={`wrap-up-code-${callId}`}
              data-testid="wrap-up-code"
              value={code.id}
              checked={disposition === code.id}
              onChange={() => setDisposition(code.id)}
            />
            {english ? code.labelEn : code.labelZh}
          </label>
        ))}
      </fieldset>
      <label className="call-notes">
        <span className="field-label">{t('phone.wrapUp.notes')}</span>
        <textarea className="textarea" data-testid="wrap-up-notes" rows={3} maxLength={5_000} value={note.text} disabled={!note.loaded} onChange={(e) => note.setText(e.target.value)} />
      </label>
      {error && (
        <p className="inline-error" role="alert" data-testid="wrap-up-error">
          {error}
        </p>
      )}
      <div className="call-card-actions">
        <button type="button" className="button button--primary" data-testid="wrap-up-ready" disabled={pending} onClick={() => void finish(true)}>
          {t('phone.wrapUp.finishReady')}
        </button>
        <button type="button" className="button" data-testid="wrap-up-done" disabled={pending} onClick={() => void finish(false)}>
          {t('phone.wrapUp.finish')}
        </button>
      </div>
    </section>
  )
}
