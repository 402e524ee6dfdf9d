import type { AgentApi } from '../../../../shared/ipc/agent-api'
import { recordingTypes } from '../../../../shared/ipc/phone-media'

/**
 * Records one call as the agent hears it: their microphone and the far end mixed into one track,
 * with MediaRecorder (opus). Recording on demand pauses and resumes the same recorder, so a call
 * has one recording; when the call's connection closes it is streamed to main in ordered chunks
 * (`phone.recordingChunk`), which keeps it until the server has it.
 */
export interface CallRecorder {
  pause(): void
  resume(): void
  /** Stops recording and sends what was recorded; resolves when main has every chunk. */
  finish(): Promise<void>
}

/** Raw bytes per chunk: ~1.5 MB, under the contract's base64 limit of 2 MiB. */
const CHUNK_BYTES = 1_500_000
/** MediaRecorder hands over data this often, so a long call is not one growing buffer in Chromium. */
const TIMESLICE_MS = 10_000

function supportedType(): (typeof recordingTypes)[number] | null {
  const candidates: [string, (typeof recordingTypes)[number]][] = [
    ['audio/webm;codecs=opus', 'audio/webm'],
    ['audio/ogg;codecs=opus', 'audio/ogg'],
    ['audio/webm', 'audio/webm'],
  ]
  for (const [full, mime] of candidates) if (MediaRecorder.isTypeSupported(full)) return mime
  return null
}

export function startCallRecording(api: AgentApi, mediaId: string, callId: string, ctx: AudioContext, mic: MediaStream, remote: MediaStream): CallRecorder {
  const mime = supportedType()
  if (!mime) throw new Error('This browser cannot record audio')
  const destination = ctx.createMediaStreamDestination()
  const sources: MediaStreamAudioSourceNode[] = []
  const connect = (stream: MediaStream) => {
    if (stream.getAudioTracks().length === 0) return
    const source = ctx.createMediaStreamSource(stream)
    source.connect(destination)
    sources.push(source)
  }
  connect(mic)
  // The far end's track may arrive after recording starts (ontrack adds it to `remote`).
  if (remote.getAudioTracks().length > 0) connect(remote)
  else remote.addEventListener('addtrack', () => connect(remote), { once: true })

  const recorder = new MediaRecorder(destination.stream, { mimeType: mime })
  const parts: Blob[] = []
  recorder.ondataavailable = (e) => {
    if (e.data.size > 0) parts.push(e.data)
  }
  recorder.start(TIMESLICE_MS)

  let finishing: Promise<void> | null = null
  return {
    pause() {
      if (recorder.state === 'recording') recorder.pause()
    },
    resume() {
      if (recorder.state === 'paused') recorder.resume()
    },
    finish() {
      finishing ??= (async () => {
        if (recorder.state !== 'inactive') {
          const stopped = new Promise<void>((resolve) => recorder.addEventListener('stop', () => resolve(), { once: true }))
          recorder.stop()
          await stopped
        }
        for (const source of sources) source.disconnect()
        destination.stream.getTracks().forEach((t) => t.stop())
        const bytes = new Uint8Array(await new Blob(parts, { type: mime }).arrayBuffer())
        const count = Math.max(1, Math.ceil(bytes.byteLength / CHUNK_BYTES))
        for (let seq = 0; seq < count; seq++) {
          const dataBase64 = toBase64(bytes.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES))
          await api.invoke('phone.recordingChunk', { mediaId, callId, seq, last: seq === count - 1, mime, dataBase64 })
        }
      })()
      return finishing
    },
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  const step = 0x8000
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step))
  return btoa(binary)
}
