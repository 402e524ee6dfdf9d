import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { getAgentApi } from './api/agent-api-client'
import { App } from './app/App'
import { startLiveUpdates } from './app/live-updates'
import { useSessionStore } from './features/session/session-store'
import { setupI18n } from './i18n'
import './styles/base.css'
import './styles/shell.css'
import './styles/pages.css'
import './styles/kb.css'
import './styles/customers.css'

setupI18n()
// Started outside React so that StrictMode's double effects cannot subscribe or start twice.
startLiveUpdates(getAgentApi())
void useSessionStore.getState().start()

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
