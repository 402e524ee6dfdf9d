import { create } from 'zustand'

/**
 * The microphone and speaker/headset the agent picked. Device ids belong to this machine (and
 * this browser profile), so the choice is kept here in localStorage, not synced with the agent's
 * settings. An empty id means the system default.
 */
const STORAGE_KEY = 'phone.audioDevices'

export interface AudioDeviceChoice {
  inputId: string
  outputId: string
}

interface AudioDeviceStore extends AudioDeviceChoice {
  choose(change: Partial<AudioDeviceChoice>): void
}

export function readAudioChoice(): AudioDeviceChoice {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null')
    if (typeof raw === 'object' && raw !== null) {
      const { inputId, outputId } = raw as Record<string, unknown>
      return { inputId: typeof inputId === 'string' ? inputId : '', outputId: typeof outputId === 'string' ? outputId : '' }
    }
  } catch {
    // Unreadable or private mode: the defaults.
  }
  return { inputId: '', outputId: '' }
}

export const useAudioDevices = create<AudioDeviceStore>()((set, get) => ({
  ...readAudioChoice(),
  choose: (change) => {
    set(change)
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ inputId: get().inputId, outputId: get().outputId }))
    } catch {
      // The choice lasts for this session only.
    }
  },
}))

/** Audio constraints for the chosen microphone; `exact` so a missing device fails and we can fall back. */
export function microphoneConstraints(inputId: string): MediaStreamConstraints {
  const base = { echoCancellation: true, noiseSuppression: true, autoGainControl: true }
  return { audio: inputId ? { ...base, deviceId: { exact: inputId } } : base, video: false }
}

/** The chosen microphone, or the default one when it has been unplugged since it was chosen. */
export async function openMicrophone(inputId: string): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('This page has no access to microphones (getUserMedia is missing)')
  try {
    return await navigator.mediaDevices.getUserMedia(microphoneConstraints(inputId))
  } catch (err) {
    if (inputId && err instanceof DOMException && (err.name === 'OverconstrainedError' || err.name === 'NotFoundError')) {
      return navigator.mediaDevices.getUserMedia(microphoneConstraints(''))
    }
    throw err
  }
}

interface SinkCapable {
  setSinkId?: (id: string) => Promise<void>
}

/** Routes an element's sound to the chosen output; hosts without setSinkId play on the default. */
export async function routeToOutput(element: HTMLMediaElement, outputId: string): Promise<void> {
  const sinkable = element as HTMLMediaElement & SinkCapable & { sinkId?: string }
  if (typeof sinkable.setSinkId !== 'function') return
  // Already there (a new element plays on the default): hosts without an output device refuse even ''.
  if ((sinkable.sinkId ?? '') === outputId) return
  try {
    await sinkable.setSinkId(outputId)
  } catch (err) {
    // An unplugged headset: the default output is better than silence.
    console.warn('Could not use the chosen audio output; playing on the default', err)
    if (outputId) await sinkable.setSinkId('').catch(() => undefined)
  }
}

export function canChooseOutput(): boolean {
  return typeof (HTMLMediaElement.prototype as HTMLMediaElement & SinkCapable).setSinkId === 'function'
}

export interface AudioDeviceInfo {
  id: string
  label: string
}

/** Microphones and outputs; labels are empty until the page has had microphone access once. */
export async function listAudioDevices(): Promise<{ inputs: AudioDeviceInfo[]; outputs: AudioDeviceInfo[] }> {
  if (!navigator.mediaDevices?.enumerateDevices) return { inputs: [], outputs: [] }
  const devices = await navigator.mediaDevices.enumerateDevices()
  const pick = (kind: MediaDeviceKind) =>
    devices
      .filter((d) => d.kind === kind && d.deviceId !== 'default' && d.deviceId !== 'communications' && d.deviceId !== '')
      .map((d, i) => ({ id: d.deviceId, label: d.label || `${kind === 'audioinput' ? 'Mic' : 'Output'} ${i + 1}` }))
  return { inputs: pick('audioinput'), outputs: pick('audiooutput') }
}
