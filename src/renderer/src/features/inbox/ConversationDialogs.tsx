/** Resolve (with a disposition code) and transfer (to an agent or a skill group, with a note). */
import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { AgentProfile } from '../../../../shared/domain/agent'
import type { TransferTargets } from '../../../../shared/domain/conversations'
import { currentLanguage } from '../../i18n'
import { getAgentApi } from '../../api/agent-api-client'
import { useConversationStore } from './conversation-store'

function Dialog({ title, testId, onClose, children }: { title: string; testId: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])
  return (
    <dialog
      ref={ref}
      className="modal inbox-dialog"
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
    >
      <header className="modal-header">
        <h2 className="modal-title">{title}</h2>
      </header>
      {children}
    </dialog>
  )
}

export function ResolveDialog({ onClose }: { onClose(): void }) {
  const { t } = useTranslation()
  const dispositions = useConversationStore((s) => s.dispositions)
  const act = useConversationStore((s) => s.act)
  const busy = useConversationStore((s) => s.busy)
  const [code, setCode] = useState('')
  const [note, setNote] = useState('')
  const english = currentLanguage() === 'en'

  return (
    <Dialog title={t('inbox.resolveDialog.title')} testId="resolve-dialog" onClose={onClose}>
      <form
        className="inbox-dialog-form"
        onSubmit={(e) => {
          e.preventDefault()
          if (code === '') return
          void act({ type: 'resolve', disposition: code, note }).then((ok) => ok && onClose())
        }}
      >
        <fieldset className="disposition-list">
          <legend className="field-label">{t('inbox.resolveDialog.disposition')}</legend>
          {dispositions.length === 0 && <p className="muted">{t('inbox.resolveDialog.noCodes')}</p>}
          {dispositions.map((d) => (
            <label key={d.id} className="checkbox-field">
              <input type="radio" name="disposition" value={d.id} checked={code === d.id} data-testid="disposition-option" data-id={d.id} onChange={() => setCode(d.id)} />
              {english ? d.labelEn : d.labelZh}
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span className="field-label">{t('inbox.resolveDialog.note')}</span>
          <textarea className="textarea" rows={3} maxLength={2000} data-testid="resolve-note" value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <div className="inbox-dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {t('inbox.cancel')}
          </button>
          <button type="submit" className="button button--primary" data-testid="resolve-confirm" disabled={code === '' || busy}>
            {t('inbox.resolveDialog.confirm')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}

export function TransferDialog({ agent, onClose }: { agent: AgentProfile; onClose(): void }) {
  const { t } = useTranslation()
  const act = useConversationStore((s) => s.act)
  const busy = useConversationStore((s) => s.busy)
  const [targets, setTargets] = useState<TransferTargets | null>(null)
  const [targetsError, setTargetsError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    getAgentApi()
      .invoke('inbox.transferTargets')
      .then((value) => live && setTargets(value))
      .catch((err: unknown) => live && setTargetsError(err instanceof Error ? err.message : String(err)))
    return () => {
      live = false
    }
  }, [])
  const [target, setTarget] = useState<'agent' | 'group'>('agent')
  const [agentId, setAgentId] = useState('')
  const [groupId, setGroupId] = useState(agent.skillGroupIds[0] ?? '')
  const [note, setNote] = useState('')
  // Colleagues from the server with their state (ready ones first); offline, any colleague by id.
  const colleagues = (targets?.agents ?? [])
    .filter((m) => m.id !== agent.id)
    .sort((a, b) => Number(b.online && b.state === 'ready') - Number(a.online && a.state === 'ready') || a.displayName.localeCompare(b.displayName, 'zh-CN'))
  const groups = targets?.skillGroups ?? agent.skillGroupIds.map((id, i) => ({ id, name: agent.skillGroups[i] ?? id }))
  const ready = target === 'agent' ? agentId.trim() !== '' : groupId !== ''

  return (
    <Dialog title={t('inbox.transferDialog.title')} testId="transfer-dialog" onClose={onClose}>
      <form
        className="inbox-dialog-form"
        onSubmit={(e) => {
          e.preventDefault()
          if (!ready) return
          const action =
            target === 'agent'
              ? { type: 'transfer' as const, toAgentId: agentId.trim(), toSkillGroupId: null, note }
              : { type: 'transfer' as const, toAgentId: null, toSkillGroupId: groupId, note }
          void act(action).then((ok) => ok && onClose())
        }}
      >
        <div className="composer-tabs" role="radiogroup">
          {(['agent', 'group'] as const).map((k) => (
            <label key={k} className="checkbox-field">
              <input type="radio" name="target" checked={target === k} data-testid={`transfer-to-${k}`} onChange={() => setTarget(k)} />
              {t(k === 'agent' ? 'inbox.transferDialog.toAgent' : 'inbox.transferDialog.toGroup')}
            </label>
          ))}
        </div>
        {target === 'agent' ? (
          <label className="field">
            <span className="field-label">{t('inbox.transferDialog.agentId')}</span>
            {targets ? (
              <select className="search-input" data-testid="transfer-agent" value={agentId} onChange={(e) => setAgentId(e.target.value)}>
                <option value="">{t('inbox.transferDialog.pickAgent')}</option>
                {colleagues.map((m) => (
                  <option key={m.id} value={m.id} data-state={m.state}>
                    {m.displayName}
                    {m.teamName ? ` · ${m.teamName}` : ''} · {m.online ? t(`agentState.states.${m.state}`, { defaultValue: m.state }) : t('inbox.transferDialog.offline')}
                  </option>
                ))}
              </select>
            ) : (
              <input className="search-input" data-testid="transfer-agent" value={agentId} onChange={(e) => setAgentId(e.target.value)} />
            )}
            {targetsError && <span className="field-hint" data-testid="transfer-targets-error">{t('inbox.transferDialog.noList')}</span>}
          </label>
        ) : (
          <label className="field">
            <span className="field-label">{t('inbox.transferDialog.group')}</span>
            <select className="search-input" data-testid="transfer-group" value={groupId} onChange={(e) => setGroupId(e.target.value)}>
              <option value="">{t('inbox.transferDialog.pickGroup')}</option>
              {groups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span className="field-label">{t('inbox.transferDialog.note')}</span>
          <textarea className="textarea" rows={3} maxLength={2000} data-testid="transfer-note" value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <div className="inbox-dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {t('inbox.cancel')}
          </button>
          <button type="submit" className="button button--primary" data-testid="transfer-confirm" disabled={!ready || busy}>
            {t('inbox.transferDialog.confirm')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
