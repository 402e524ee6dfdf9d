/**
 * The demo centre's phone system: a Kamailio registrar on 127.0.0.1 with an extension per demo
 * agent (agent01 → 8001 … agent30 → 8030, lead1–3 → 8101–8103), so two workstations can call each
 * other. Runs until it is stopped (Ctrl-C in `npm run demo`).
 */
import { kamailioInstalled, startKamailio } from '../tests/support/kamailio'

const PASSWORD = 'demo123'
const DOMAIN = 'omni.demo'

async function main(): Promise<void> {
  if (!kamailioInstalled()) {
    console.log('[phone] Kamailio is not installed (apt-get install kamailio kamailio-websocket-modules): the demo runs without phones.')
    return
  }
  const users = [
    ...Array.from({ length: 30 }, (_, i) => ({ username: String(8001 + i), password: PASSWORD })),
    ...Array.from({ length: 3 }, (_, i) => ({ username: String(8101 + i), password: PASSWORD })),
  ]
  const kamailio = await startKamailio({ users, domain: DOMAIN })
  console.log(
    `[phone] SIP registrar ready. In 设置 → 话机设置 enter WebSocket ${kamailio.wsUrl}, SIP URI sip:8001@${DOMAIN} ` +
      `for agent01 (8002 for agent02 …, 8101 for lead1), password ${PASSWORD}; then dial another agent's extension.`,
  )
  const stop = () => void kamailio.stop().finally(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  // Stay up until stopped.
  setInterval(() => undefined, 1 << 30)
}

void main().catch((err: unknown) => {
  console.error('[phone] the SIP registrar did not start:', err)
  process.exit(1)
})
