import { useTranslation } from 'react-i18next'
import type { ContactKind } from '../../../../shared/domain/contact-normalize'

const GLYPHS: Record<ContactKind, string> = { phone: '☎', email: '✉', qq: 'Q' }

/** A small glyph plus the kind's name (电话 / 邮箱 / QQ). */
export function ContactLabel({ kind }: { kind: ContactKind }) {
  const { t } = useTranslation()
  return (
    <span className={`contact-label contact-label--${kind}`}>
      <span className="contact-glyph" aria-hidden="true">
        {GLYPHS[kind]}
      </span>
      {t(`customers.contactKind.${kind}`)}
    </span>
  )
}
