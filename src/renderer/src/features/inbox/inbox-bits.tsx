/**
 * Small pieces of the inbox: channel icon, SLA and offer countdowns. They take the parent's `t`
 * rather than calling useTranslation: each list row mounts several of them, and a
 * useTranslation mount copies the i18next instance's properties (react-i18next 17), which was a
 * quarter of the list's render time when scrolling fast through 10,000 rows (npm run bench).
 */
import type { TFunction } from 'i18next'
import type { ConversationChannel } from '../../../../shared/domain/conversations'
import { formatDuration } from '../../lib/format-duration'

const CHANNEL_GLYPHS: Record<ConversationChannel, string> = { chat: '网', qq: 'Q', email: '✉', phone: '☎' }

export function ChannelIcon({ t, channel, withLabel = false }: { t: TFunction; channel: ConversationChannel; withLabel?: boolean }) {
  const label = t(`inbox.channel.${channel}`)
  return (
    <span className={`inbox-channel inbox-channel--${channel}`} data-testid="conversation-channel" data-channel={channel} title={label}>
      <span className="inbox-channel-glyph" aria-hidden="true">
        {CHANNEL_GLYPHS[channel]}
      </span>
      {withLabel ? <span>{label}</span> : <span className="visually-hidden">{label}</span>}
    </span>
  )
}

/** Time left to the SLA deadline; red once it has passed. */
export function SlaCountdown({ t, dueAt, kind, now }: { t: TFunction; dueAt: number; kind: 'first_response' | 'resolution'; now: number }) {
  const left = dueAt - now
  const breached = left < 0
  const soon = !breached && left < 5 * 60_000
  const kindText = t(`inbox.sla.${kind}`)
  return (
    <span
      className={`inbox-sla${breached ? ' inbox-sla--breached' : soon ? ' inbox-sla--soon' : ''}`}
      data-testid="conversation-sla"
      data-breached={breached}
      data-kind={kind}
      data-due-at={dueAt}
    >
      {breached ? t('inbox.slaBreached', { kind: kindText, time: formatDuration(-left) }) : t('inbox.slaLeft', { kind: kindText, time: formatDuration(left) })}
    </span>
  )
}

export function OfferCountdown({ t, expiresAt, now }: { t: TFunction; expiresAt: number | null; now: number }) {
  if (expiresAt === null) return null
  const left = expiresAt - now
  return (
    <span className={`inbox-offer-timer${left < 10_000 ? ' inbox-offer-timer--urgent' : ''}`} data-testid="offer-countdown" data-expires-at={expiresAt}>
      {left > 0 ? t('inbox.offerLeft', { time: formatDuration(left) }) : t('inbox.offerExpired')}
    </span>
  )
}
