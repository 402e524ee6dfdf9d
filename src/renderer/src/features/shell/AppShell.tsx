import type { ReactNode } from 'react'
import type { AgentProfile } from '../../../../shared/domain/agent'
import { ForcedChangeBanner } from '../agent-state/ForcedChangeBanner'
import { CustomersPage } from '../customers/CustomersPage'
import { InboxPage } from '../inbox/InboxPage'
import { KnowledgeBasePage } from '../kb/KnowledgeBasePage'
import { SignoffModal } from '../kb/SignoffModal'
import { ConflictsPanel } from '../offline/ConflictsPanel'
import { OfflineBanner } from '../offline/OfflineBanner'
import { CallDock } from '../phone/CallDock'
import { PhonePage } from '../phone/PhonePage'
import { SyncProgress } from '../offline/SyncProgress'
import { TeamView } from '../team/TeamView'
import { TicketsPage } from '../tickets/TicketsPage'
import { SettingsPage } from '../settings/SettingsPage'
import { SettingsSync } from '../settings/SettingsSync'
import { Toasts } from '../toast/Toasts'
import { canOpen, useNavigation, type View } from './navigation'
import { SideNav } from './SideNav'
import { StatusBar } from './StatusBar'

const pages: Record<View, () => ReactNode> = {
  inbox: () => <InboxPage />,
  phone: () => <PhonePage />,
  kb: () => <KnowledgeBasePage />,
  customers: () => <CustomersPage />,
  tickets: () => <TicketsPage />,
  team: () => <TeamView />,
  settings: () => <SettingsPage />,
}

export function AppShell({ agent }: { agent: AgentProfile }) {
  const chosen = useNavigation((s) => s.view)
  // A view the role may not open (e.g. after signing in as another user) falls back to the inbox.
  const view = canOpen(chosen, agent.role) ? chosen : 'inbox'
  return (
    <div className="shell" data-testid="shell">
      <StatusBar agent={agent} />
      <OfflineBanner />
      <SyncProgress />
      <ForcedChangeBanner />
      <div className="shell-body">
        <SideNav role={agent.role} current={view} />
        <main className="shell-content">{pages[view]()}</main>
        <ConflictsPanel />
      </div>
      <CallDock />
      <SignoffModal />
      <SettingsSync agentId={agent.id} />
      <Toasts />
    </div>
  )
}
