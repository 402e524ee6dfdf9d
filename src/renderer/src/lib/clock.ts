import { useSyncExternalStore } from 'react'

/**
 * One shared one-second tick for every timer on screen, so a team table with many rows does
 * not run one interval per row, and all timers change in step.
 */
const listeners = new Set<() => void>()
let now = Date.now()
let interval: ReturnType<typeof setInterval> | null = null

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  if (interval === null) {
    now = Date.now()
    interval = setInterval(() => {
      now = Date.now()
      for (const notify of listeners) notify()
    }, 1000)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0 && interval !== null) {
      clearInterval(interval)
      interval = null
    }
  }
}

function getSnapshot(): number {
  // Before the first subscriber the tick is not running; refresh, but at most once a second so
  // React sees a stable value within one render.
  if (interval === null && Date.now() - now >= 1000) now = Date.now()
  return now
}

/** The current time in ms, re-rendering the caller every second. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, getSnapshot)
}
