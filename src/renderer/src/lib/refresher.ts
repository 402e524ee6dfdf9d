/**
 * Coalesces re-reads. During a first sync `data.changed` and `outbox.changed` can arrive many
 * times a second; a view asks to refresh on each, but at most one read runs at a time, one more
 * follows if anything asked meanwhile, and reads start at most every `minIntervalMs`.
 */
export interface Refresher {
  request(): void
  cancel(): void
}

export function createRefresher(run: () => Promise<void>, minIntervalMs = 250): Refresher {
  let running = false
  let wanted = false
  let lastStart = 0
  let timer: ReturnType<typeof setTimeout> | null = null

  function pump(): void {
    if (running || timer !== null || !wanted) return
    const wait = lastStart + minIntervalMs - Date.now()
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = null
        pump()
      }, wait)
      return
    }
    wanted = false
    running = true
    lastStart = Date.now()
    run()
      .catch((err: unknown) => console.warn('Refresh failed', err))
      .finally(() => {
        running = false
        pump()
      })
  }

  return {
    request() {
      wanted = true
      pump()
    },
    cancel() {
      wanted = false
      if (timer !== null) clearTimeout(timer)
      timer = null
    },
  }
}
