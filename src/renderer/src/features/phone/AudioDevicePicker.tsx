import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { canChooseOutput, listAudioDevices, useAudioDevices, type AudioDeviceInfo } from './audio-devices'
import { LevelMeter } from './LevelMeter'

/** Microphone and speaker/headset for calls, with the microphone's level; a change moves live calls too. */
export function AudioDevicePicker({ idPrefix }: { idPrefix: string }) {
  const { t } = useTranslation()
  const inputId = useAudioDevices((s) => s.inputId)
  const outputId = useAudioDevices((s) => s.outputId)
  const choose = useAudioDevices((s) => s.choose)
  const [devices, setDevices] = useState<{ inputs: AudioDeviceInfo[]; outputs: AudioDeviceInfo[] }>({ inputs: [], outputs: [] })

  useEffect(() => {
    let cancelled = false
    const read = () =>
      void listAudioDevices()
        .then((d) => !cancelled && setDevices(d))
        .catch((err: unknown) => console.warn('Could not list audio devices', err))
    read()
    // A headset plugged in or out while the picker is open.
    navigator.mediaDevices?.addEventListener?.('devicechange', read)
    return () => {
      cancelled = true
      navigator.mediaDevices?.removeEventListener?.('devicechange', read)
    }
  }, [])

  return (
    <div className="audio-devices" data-testid="audio-devices">
      <label className="field" htmlFor={`${idPrefix}-input`}>
        <span className="field-label">{t('phone.devices.input')}</span>
        <select id={`${idPrefix}-input`} className="search-input" data-testid="audio-input" value={inputId} onChange={(e) => choose({ inputId: e.target.value })}>
          <option value="">{t('phone.devices.default')}</option>
          {devices.inputs.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      <LevelMeter inputId={inputId} />
      <label className="field" htmlFor={`${idPrefix}-output`}>
        <span className="field-label">{t('phone.devices.output')}</span>
        <select
          id={`${idPrefix}-output`}
          className="search-input"
          data-testid="audio-output"
          value={outputId}
          disabled={!canChooseOutput()}
          onChange={(e) => choose({ outputId: e.target.value })}
        >
          <option value="">{t('phone.devices.default')}</option>
          {devices.outputs.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      {!canChooseOutput() && <p className="muted">{t('phone.devices.outputFixed')}</p>}
    </div>
  )
}
