import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { openMicrophone } from './audio-devices'

/**
 * The chosen microphone's live level, so the agent sees the headset works before and during a
 * call. Opens its own capture of the same device (released when the meter goes away).
 */
export function LevelMeter({ inputId }: { inputId: string }) {
  const { t } = useTranslation()
  const [level, setLevel] = useState(0)
  const [failed, setFailed] = useState(false)

  useEffect(() => {
    let stream: MediaStream | null = null
    let context: AudioContext | null = null
    let frame = 0
    let cancelled = false
    openMicrophone(inputId)
      .then((s) => {
        if (cancelled) {
          s.getTracks().forEach((track) => track.stop())
          return
        }
        stream = s
        setFailed(false)
        context = new AudioContext()
        const analyser = context.createAnalyser()
        analyser.fftSize = 512
        context.createMediaStreamSource(s).connect(analyser)
        const samples = new Float32Array(analyser.fftSize)
        let lastShown = 0
        const tick = (now: number) => {
          analyser.getFloatTimeDomainData(samples)
          let sum = 0
          for (const v of samples) sum += v * v
          const rms = Math.sqrt(sum / samples.length)
          // About 10 updates a second is enough for the eye and cheap for React.
          if (now - lastShown > 100) {
            lastShown = now
            setLevel(Math.min(100, Math.round(rms * 300)))
          }
          frame = requestAnimationFrame(tick)
        }
        frame = requestAnimationFrame(tick)
      })
      .catch((err: unknown) => {
        console.warn('Could not open the microphone for the level meter', err)
        if (!cancelled) setFailed(true)
      })
    return () => {
      cancelled = true
      cancelAnimationFrame(frame)
      stream?.getTracks().forEach((track) => track.stop())
      void context?.close().catch(() => undefined)
    }
  }, [inputId])

  if (failed) return <p className="inline-error">{t('phone.devices.micUnavailable')}</p>
  return (
    <div
      className="level-meter"
      role="meter"
      aria-label={t('phone.devices.level')}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={level}
      data-testid="mic-level"
      data-level={level}
    >
      <div className="level-meter-bar" style={{ width: `${level}%` }} />
    </div>
  )
}
