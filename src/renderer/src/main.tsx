import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { getAgentApi } from './api/agent-api-client'
import { App } from './app/App'
import { startLiveUpdates } from './app/live-updates'
import { useSessionStore } from './features/session/session-store'
import { setupI18n } from './i18n'
import { isMediaWindow, runMediaWindow } from './features/phone/media-role'
import './styles/base.css'
import './styles/shell.css'
import './styles/pages.css'
import './styles/kb.css'
import './styles/customers.css'

setupI18n()
const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')

if (isMediaWindow()) {
  // Electron's hidden media window: the phone's audio and nothing else.
  runMediaWindow(getAgentApi())
} else {
  // Started outside React so that StrictMode's double effects cannot subscribe or start twice.
  startLiveUpdates(getAgentApi())
  void useSessionStore.getState().start()
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
}
