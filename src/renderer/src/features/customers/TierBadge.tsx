import { useTranslation } from 'react-i18next'

const CONSUMER_TIERS: Record<string, 'diamond' | 'gold' | 'silver' | 'basic'> = {
  钻: 'diamond',
  金: 'gold',
  银: 'silver',
  基础: 'basic',
}
const ENTERPRISE_TIER = /^([1-5])([AB])$/

/** The tier's colour class: 钻/金/银/基础 for consumers, 1A (top) … 5A for enterprises. */
function tierClass(tier: string): string {
  const consumer = CONSUMER_TIERS[tier]
  if (consumer) return `tier--${consumer}`
  const enterprise = ENTERPRISE_TIER.exec(tier)
  if (enterprise) return `tier--e${enterprise[1]}`
  return 'tier--other'
}

export function TierBadge({ tier, testId }: { tier: string; testId: string }) {
  const { t } = useTranslation()
  const consumer = CONSUMER_TIERS[tier]
  const title = consumer
    ? t(`customers.tierTitle.${consumer}`)
    : ENTERPRISE_TIER.test(tier)
      ? t('customers.tierTitle.enterprise', { tier })
      : t('customers.tierTitle.other', { tier })
  return (
    <span className={`tier ${tierClass(tier)}`} data-testid={testId} data-tier={tier} title={title} aria-label={title}>
      {tier}
    </span>
  )
}
