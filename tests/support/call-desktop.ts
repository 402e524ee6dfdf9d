/**
 * A desktop's main-process services for the call log, built the way main-services.ts builds
 * them (session, connection, cache worker on real files, workspace) but handing out the
 * workspace itself: the phone records calls through `workspace.calls`, not through the AgentApi.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openLocalCache } from '../../src/main/services/cache/open-local-cache'
import { ServerConnection } from '../../src/main/services/connection/server-connection'
import { AgentSession } from '../../src/main/services/session/agent-session'
import { SessionVault } from '../../src/main/services/session/session-vault'
import { AgentWorkspace } from '../../src/main/services/workspace/agent-workspace'
import { eventually } from './inbox-centre'
import { PASSWORD } from './mini-centre'

export interface CallDesktop {
  workspace: AgentWorkspace
  connection: ServerConnection
  /** Resolves once everything queued was answered and a sync has finished. */
  settled(what: string): Promise<void>
  dispose(): Promise<void>
}

export async function startCallDesktop(serverUrl: string, username: string): Promise<CallDesktop> {
  const dataDir = mkdtempSync(join(tmpdir(), 'omni-calls-'))
  const connection = new ServerConnection({ backoff: { initialMs: 50, maxMs: 300 }, refreshMarginMs: 500 })
  const session = new AgentSession(connection, new SessionVault(dataDir))
  await session.login(serverUrl, username, PASSWORD)
  const agent = session.profile
  if (!agent) throw new Error(`${username} did not sign in`)
  const cache = await openLocalCache({ dir: join(dataDir, 'cache'), agentId: agent.id })
  const workspace = new AgentWorkspace(cache, connection, () => session.profile ?? agent)
  const desktop: CallDesktop = {
    workspace,
    connection,
    async settled(what) {
      await eventually(async () => {
        const outbox = await workspace.outboxStatus()
        const sync = workspace.syncStatus()
        return outbox.pending === 0 && sync.phase === 'idle' && sync.lastSyncedAt !== null
      }, what, 20_000)
    },
    async dispose() {
      connection.close()
      await workspace.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
  await desktop.settled(`${username}'s first sync`)
  return desktop
}
