/**
 * For the bench's child processes: print the ready line, and stop cleanly on SIGTERM / SIGINT or
 * when stdin ends (the bench closed it, or died).
 */
export function announceReady(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ready: true, ...fields })}\n`)
}

export function stopOnSignal(stop: () => Promise<void>): void {
  let stopping = false
  const run = () => {
    if (stopping) return
    stopping = true
    const force = setTimeout(() => process.exit(1), 2_000)
    force.unref()
    stop()
      .catch((err: unknown) => console.error('stop failed:', err))
      .finally(() => process.exit(0))
  }
  process.on('SIGTERM', run)
  process.on('SIGINT', run)
  process.stdin.on('end', run)
  process.stdin.on('error', run)
  process.stdin.resume()
}
