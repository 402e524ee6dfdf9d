/**
 * The ringtone of an incoming call, generated with Web Audio (no sound file to ship): the
 * familiar two-tone ring, 1 s on, 2 s off, until the call is answered, declined or gone.
 */
const RING_ON_S = 1
const RING_PERIOD_MS = 3_000

let context: AudioContext | null = null
let timer: ReturnType<typeof setInterval> | null = null
let output: GainNode | null = null

function ringOnce(ctx: AudioContext, destination: AudioNode): void {
  const start = ctx.currentTime + 0.02
  const gain = ctx.createGain()
  gain.gain.setValueAtTime(0.0001, start)
  gain.gain.exponentialRampToValueAtTime(0.15, start + 0.03)
  gain.gain.setValueAtTime(0.15, start + RING_ON_S - 0.05)
  gain.gain.exponentialRampToValueAtTime(0.0001, start + RING_ON_S)
  gain.connect(destination)
  // Two tones beating against each other, as telephone rings do (440 + 480 Hz).
  for (const frequency of [440, 480]) {
    const oscillator = ctx.createOscillator()
    oscillator.type = 'sine'
    oscillator.frequency.value = frequency
    oscillator.connect(gain)
    oscillator.start(start)
    oscillator.stop(start + RING_ON_S)
  }
}

export function startRinging(): void {
  if (timer !== null) return
  try {
    context ??= new AudioContext()
    void context.resume().catch(() => undefined)
    output = context.createGain()
    output.connect(context.destination)
    const ctx = context
    const out = output
    ringOnce(ctx, out)
    timer = setInterval(() => ringOnce(ctx, out), RING_PERIOD_MS)
  } catch (err) {
    console.warn('Could not play the ringtone', err)
  }
}

export function stopRinging(): void {
  if (timer !== null) clearInterval(timer)
  timer = null
  // Cut a ring that is sounding right now, not only the next ones.
  output?.disconnect()
  output = null
}

export function isRinging(): boolean {
  return timer !== null
}
