import { useTranslation } from 'react-i18next'
import type { InteractionView } from '../../../../shared/ipc/views'
import { formatDateTime } from '../../lib/format-time'
import { DeliveryState } from '../offline/DeliveryState'
import { useCustomersStore } from './customers-store'

const CHANNEL_GLYPHS: Record<InteractionView['channel'], string> = { phone: '☎', chat: '', qq: 'Q', email: '✉', note: '✎' }
const DIRECTION_GLYPHS: Record<InteractionView['direction'], string> = { in: '↙', out: '↗', internal: '•' }

/** Every contact with the customer across channels, newest first, with local ones' delivery. */
export function InteractionList({ interactions }: { interactions: InteractionView[] }) {
  const { t } = useTranslation()
  const localNoteIds = useCustomersStore((s) => s.localNoteIds)
  if (interactions.length === 0) return <p className="muted">{t('customers.historyEmpty')}</p>
  // The contract promises newest first; sorting again costs nothing and survives a slip.
  const sorted = [...interactions].sort((a, b) => b.at - a.at)
  return (
    <ol className="interaction-list">
      {sorted.map((interaction) => {
        // Synced history is all "sent"; the state is news only for what was done here.
        const showDelivery = interaction.delivery !== 'sent' || localNoteIds[interaction.id] === true
        return (
          <li
            key={interaction.id}
            className={`interaction interaction--${interaction.channel}`}
            data-testid="interaction"
            data-id={interaction.id}
            data-channel={interaction.channel}
            data-direction={interaction.direction}
            data-delivery={interaction.delivery}
          >
            <span className={`channel-badge channel-badge--${interaction.channel}`}>
              <span className="channel-glyph" aria-hidden="true">
                {CHANNEL_GLYPHS[interaction.channel]}
              </span>
              {t(`customers.channel.${interaction.channel}`)}
            </span>
            <div className="interaction-main">
              <div className="interaction-meta">
                <span className="interaction-direction">
                  <span aria-hidden="true">{DIRECTION_GLYPHS[interaction.direction]} </span>
                  {t(`customers.direction.${interaction.direction}`)}
                </span>
                {interaction.agentName && <span>{t('customers.agent', { name: interaction.agentName })}</span>}
                <time dateTime={new Date(interaction.at).toISOString()}>{formatDateTime(interaction.at)}</time>
                {showDelivery && <DeliveryState delivery={interaction.delivery} />}
              </div>
              <p className="interaction-summary">{interaction.summary}</p>
            </div>
          </li>
        )
      })}
    </ol>
  )
}
