import { create } from 'zustand'
import type { TFunction } from 'i18next'
import type { ConversationSummary } from '../../../../shared/ipc/inbox-views'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { createRefresher } from '../../lib/refresher'
import { notificationPreferences } from '../settings/settings-store'

/**
 * New work for the agent: a conversation offered to them or newly assigned (transferred in).
 * Announced with a native notification (the web Notification API, which Electron maps to the
 * OS) and a short beep, unless muted. Watches the cache whatever page is on screen.
 */
const MUTE_KEY = 'inbox.muted'
const WATCH_LIMIT = 200

interface NotifierStore {
  muted: boolean
  toggleMute(): void
}

function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === '1'
  } catch {
    return false
  }
}

export const useNotifierStore = create<NotifierStore>()((set, get) => ({
  muted: readMuted(),
  toggleMute: () => {
    const muted = !get().muted
    set({ muted })
    try {
      localStorage.setItem(MUTE_KEY, muted ? '1' : '0')
    } catch {
      // Private mode: the choice lasts for this session only.
    }
    if (!muted) void askPermission()
  },
}))

/** Asked when the inbox opens (Electron grants it; a browser may ask the agent once). */
export async function askPermission(): Promise<void> {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return
  try {
    await Notification.requestPermission()
  } catch {
    // Some hosts refuse outside a user gesture; the beep still plays.
  }
}

let audio: AudioContext | null = null

/** Two short tones: audible over a headset, not alarming. */
export function beep(): void {
  try {
    audio ??= new AudioContext()
    const start = audio.currentTime
    for (const [offset, frequency] of [
      [0, 880],
      [0.16, 1320],
    ] as const) {
      const oscillator = audio.createOscillator()
      const gain = audio.createGain()
      oscillator.type = 'sine'
      oscillator.frequency.value = frequency
      gain.gain.setValueAtTime(0.0001, start + offset)
      gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.14)
      oscillator.connect(gain).connect(audio.destination)
      oscillator.start(start + offset)
      oscillator.stop(start + offset + 0.15)
    }
  } catch (err) {
    console.warn('Could not play the notification sound', err)
  }
}

export interface NewWork {
  kind: 'offered' | 'assigned'
  conversation: ConversationSummary
}

let translate: TFunction | null = null
let onOpen: ((id: string) => void) | null = null

export function announce(work: NewWork[]): void {
  if (work.length === 0 || useNotifierStore.getState().muted) return
  // The agent's own preferences (设置), which follow them to any workstation.
  const preferences = notificationPreferences()
  if (preferences.sound) beep()
  if (!preferences.desktop || typeof Notification === 'undefined' || Notification.permission !== 'granted' || !translate) return
  const t = translate
  for (const { kind, conversation } of work.slice(0, 3)) {
    try {
      const notification = new Notification(t(kind === 'offered' ? 'inbox.notify.offeredTitle' : 'inbox.notify.assignedTitle'), {
        body: t('inbox.notify.body', { channel: t(`inbox.channel.${conversation.channel}`), name: conversation.displayName, preview: conversation.lastMessagePreview }),
        tag: `inbox-${conversation.id}`,
      })
      notification.onclick = () => {
        window.focus()
        onOpen?.(conversation.id)
      }
    } catch (err) {
      console.warn('Could not show a notification', err)
    }
  }
}

/** What has been seen already, per kind; null until the first read (existing work is not news). */
let known: { offered: Set<string>; assigned: Set<string> } | null = null

async function check(): Promise<void> {
  const api = getAgentApi()
  const [offered, mine] = await Promise.all([
    api.invoke('inbox.list', { filter: 'offered', sort: 'newest', limit: WATCH_LIMIT }),
    api.invoke('inbox.list', { filter: 'mine', sort: 'newest', limit: WATCH_LIMIT }),
  ])
  const previous = known
  known = { offered: new Set(offered.items.map((c) => c.id)), assigned: new Set(mine.items.map((c) => c.id)) }
  if (!previous) return
  const work: NewWork[] = [
    ...offered.items.filter((c) => !previous.offered.has(c.id)).map((conversation) => ({ kind: 'offered' as const, conversation })),
    // Accepting an offer makes it mine: that is not news.
    ...mine.items
      .filter((c) => !previous.assigned.has(c.id) && !previous.offered.has(c.id) && c.pendingOps === 0)
      .map((conversation) => ({ kind: 'assigned' as const, conversation })),
  ]
  announce(work)
}

const refresher = createRefresher(() => check().catch((err: unknown) => console.warn('Could not check for new work', toAppError(err))), 500)

export function setupNotifier(t: TFunction, open: (id: string) => void): void {
  translate = t
  onOpen = open
}

export function notifierDataChanged(entities: readonly string[]): void {
  if (entities.includes('conversation')) refresher.request()
}

/** A new agent signed in: read their current work quietly, then announce what comes. */
export function resetNotifier(signedIn: boolean): void {
  refresher.cancel()
  known = null
  if (signedIn) refresher.request()
}
