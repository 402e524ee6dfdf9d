const pad = (n: number): string => String(n).padStart(2, '0')

/** mm:ss under an hour, hh:mm:ss from an hour on; negative spans (clock skew) show as 00:00. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000))
  const hours = Math.floor(totalSeconds / 3600)
  const minutes = Math.floor((totalSeconds % 3600) / 60)
  const seconds = totalSeconds % 60
  return hours > 0 ? `${pad(hours)}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`
}

/** Time spent in a state that began at `since`; the server sends since = 0 for "never set". */
export function formatTimeInState(since: number, now: number): string {
  return since > 0 ? formatDuration(now - since) : '—'
}
