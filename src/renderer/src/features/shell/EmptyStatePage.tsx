import { useTranslation } from 'react-i18next'

interface EmptyStatePageProps {
  testId: string
  title: string
  emptyTitle: string
  emptyBody: string
}

/** A feature page whose data arrives in a later version: says what will be here, shows no fake data. */
export function EmptyStatePage({ testId, title, emptyTitle, emptyBody }: EmptyStatePageProps) {
  const { t } = useTranslation()
  return (
    <section className="page" data-testid={testId}>
      <header className="page-header">
        <h2 className="page-title">{title}</h2>
      </header>
      <div className="empty-state">
        <div className="empty-state-mark" aria-hidden="true" />
        <h3 className="empty-state-title">{emptyTitle}</h3>
        <p className="empty-state-body">{emptyBody}</p>
        <p className="empty-state-note">{t('shell.comingSoon')}</p>
      </div>
    </section>
  )
}
