import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { useBridgeStatus } from '../api/bridge-status'
import { LoginScreen } from '../features/session/LoginScreen'
import { useSessionStore } from '../features/session/session-store'
import { AppShell } from '../features/shell/AppShell'
import { BootScreen } from './BootScreen'
import { BridgeBanner } from './BridgeBanner'
import { UnauthorisedPage } from './UnauthorisedPage'

export function App() {
  const { t, i18n } = useTranslation()
  const bridgePhase = useBridgeStatus((s) => s.phase)
  const refusal = useBridgeStatus((s) => s.refusal)
  const phase = useSessionStore((s) => s.phase)
  const agent = useSessionStore((s) => s.snapshot?.agent ?? null)
  const startError = useSessionStore((s) => s.startError)
  const start = useSessionStore((s) => s.start)

  useEffect(() => {
    document.title = t('app.name')
  }, [t, i18n.language])

  if (bridgePhase === 'refused') return <UnauthorisedPage refusal={refusal} />
  return (
    <>
      <BridgeBanner />
      {phase === 'signedIn' && agent ? (
        <AppShell agent={agent} />
      ) : phase === 'signedOut' ? (
        <LoginScreen />
      ) : (
        <BootScreen error={phase === 'startFailed' ? startError : null} onRetry={() => void start()} />
      )}
    </>
  )
}
