import { useCallback, useEffect, useRef, useState } from 'react'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'

export type DraftSaveState = 'idle' | 'saving' | 'saved' | 'failed'

interface DraftState {
  key: string | null
  text: string
  /** The stored draft has been read (or could not be). */
  loaded: boolean
  /** The agent typed since the key was opened; a late-arriving stored draft must not overwrite it. */
  edited: boolean
  saveState: DraftSaveState
}

function fresh(key: string | null): DraftState {
  return { key, text: '', loaded: key === null, edited: false, saveState: 'idle' }
}

export interface DraftHandle {
  text: string
  loaded: boolean
  saveState: DraftSaveState
  setText(text: string): void
  /** Empties the text and deletes the stored draft (e.g. after the note was added). */
  clear(): Promise<void>
}

/**
 * Text the agent is typing, kept by the main process under `key` (drafts.get / drafts.set) so
 * that closing the window, a crash or a restart loses nothing: restored when the key opens
 * again, saved `delayMs` after typing pauses, and at once when the key changes, the component
 * goes away or the page is hidden or closed.
 */
export function useDraft(key: string | null, delayMs = 300): DraftHandle {
  const [stored, setState] = useState<DraftState>(() => fresh(key))
  const current = stored.key === key ? stored : fresh(key)
  const unsaved = useRef<{ key: string; text: string } | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  const flush = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current)
    timer.current = null
    const draft = unsaved.current
    unsaved.current = null
    if (!draft) return
    getAgentApi()
      .invoke('drafts.set', draft)
      .then(() => setState((s) => (s.key === draft.key && s.text === draft.text ? { ...s, saveState: 'saved' } : s)))
      .catch((err: unknown) => {
        console.warn('Could not save the draft', toAppError(err))
        // Keep it for the next attempt unless newer text is already waiting.
        unsaved.current ??= draft
        setState((s) => (s.key === draft.key ? { ...s, saveState: 'failed' } : s))
      })
  }, [])

  useEffect(() => {
    if (key === null) return
    let cancelled = false
    getAgentApi()
      .invoke('drafts.get', { key })
      .then((draft) => {
        if (cancelled) return
        setState((s) => {
          const base = s.key === key ? s : fresh(key)
          return base.edited ? { ...base, loaded: true } : { ...base, text: draft?.text ?? '', loaded: true }
        })
      })
      .catch((err: unknown) => {
        if (cancelled) return
        console.warn('Could not read the draft', toAppError(err))
        setState((s) => ({ ...(s.key === key ? s : fresh(key)), loaded: true }))
      })
    return () => {
      cancelled = true
      flush()
    }
  }, [key, flush])

  useEffect(() => {
    window.addEventListener('pagehide', flush)
    window.addEventListener('beforeunload', flush)
    return () => {
      window.removeEventListener('pagehide', flush)
      window.removeEventListener('beforeunload', flush)
    }
  }, [flush])

  function setText(text: string): void {
    setState({ ...current, text, edited: true, saveState: 'saving' })
    if (key === null) return
    unsaved.current = { key, text }
    if (timer.current !== null) clearTimeout(timer.current)
    timer.current = setTimeout(flush, delayMs)
  }

  async function clear(): Promise<void> {
    if (timer.current !== null) clearTimeout(timer.current)
    timer.current = null
    unsaved.current = null
    setState({ ...current, text: '', edited: false, saveState: 'idle' })
    if (key === null) return
    try {
      await getAgentApi().invoke('drafts.set', { key, text: '' })
    } catch (err) {
      console.warn('Could not delete the draft', toAppError(err))
    }
  }

  return { text: current.text, loaded: current.loaded, saveState: current.saveState, setText, clear }
}

/** Writes a draft directly, e.g. an article put into the reply draft for the composer to pick up. */
export async function writeDraft(key: string, text: string): Promise<void> {
  await getAgentApi().invoke('drafts.set', { key, text })
}

/** Where "复制到回复" puts text until the inbox brings a composer, which reads it from here. */
export const REPLY_SCRATCH_DRAFT = 'reply:scratch'

export function noteDraftKey(customerId: string): string {
  return `note:${customerId}`
}
