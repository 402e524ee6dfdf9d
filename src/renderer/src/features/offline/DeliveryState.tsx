import { useTranslation } from 'react-i18next'
import type { Delivery } from '../../../../shared/ipc/views'

interface DeliveryStateProps {
  delivery: Delivery
  testId?: string
  /** Shown before the state, e.g. "签收:" */
  label?: (state: string) => string
}

/** 待发送 / 已送达 / 冲突 for anything done locally that the server must receive. */
export function DeliveryState({ delivery, testId, label }: DeliveryStateProps) {
  const { t } = useTranslation()
  const state = t(`delivery.${delivery}`)
  return (
    <span className={`delivery delivery--${delivery}`} data-testid={testId} data-delivery={delivery}>
      <span className="delivery-mark" aria-hidden="true" />
      {label ? label(state) : state}
    </span>
  )
}
