import { useTranslation } from 'react-i18next'
import type { Role } from '../../../../shared/domain/agent'
import { canOpen, useNavigation, views, type View } from './navigation'

export function SideNav({ role, current }: { role: Role; current: View }) {
  const { t } = useTranslation()
  const go = useNavigation((s) => s.go)
  return (
    <nav className="side-nav" aria-label={t('nav.label')}>
      {views
        .filter((view) => canOpen(view, role))
        .map((view) => (
          <button
            key={view}
            type="button"
            className={`side-nav-item side-nav-item--${view}${view === current ? ' is-active' : ''}`}
            data-testid={`nav-${view}`}
            aria-current={view === current ? 'page' : undefined}
            onClick={() => go(view)}
          >
            <span className="side-nav-icon" aria-hidden="true" />
            {t(`nav.${view}`)}
          </button>
        ))}
    </nav>
  )
}
