import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fastifyStatic from '@fastify/static'
import Fastify from 'fastify'
import { WebSocketServer } from 'ws'
import { BRIDGE_CLOSE_BAD_ORIGIN, BRIDGE_MAX_FRAME_BYTES, BRIDGE_PATH } from '../../shared/ipc/bridge-protocol'
import { createMainServices, type MainServicesTestOptions } from '../services/main-services'
import type { MainServices } from '../services/main-services.types'
import { serveBridge } from './bridge'

export interface WebHostOptions {
  /** The built renderer (electron-vite's out/renderer). */
  rendererDir: string
  dataDir: string
  defaultServerUrl: string | null
  host?: string
  port?: number
  appVersion?: string
  /** Fixed secret for tests; normally a fresh random one per launch. */
  secret?: string
  services?: MainServicesTestOptions
}

export interface WebHost {
  /** The page address including the launch secret in its fragment: the only way in. */
  url: string
  origin: string
  secret: string
  services: MainServices
  stop(): Promise<void>
}

const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'"

/** Runs the main-process services under Node and serves the renderer to a browser. */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  if (!existsSync(join(options.rendererDir, 'index.html'))) {
    throw new Error(`No built renderer at ${options.rendererDir}: run "npm run build" first`)
  }
  const host = options.host ?? '127.0.0.1'
  const secret = options.secret ?? randomBytes(24).toString('base64url')
  const services = await createMainServices(
    { dataDir: options.dataDir, appVersion: options.appVersion ?? '0.1.0', host: 'web', defaultServerUrl: options.defaultServerUrl },
    options.services,
  )

  const app = Fastify({ logger: false })
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('content-security-policy', CONTENT_SECURITY_POLICY)
    void reply.header('x-frame-options', 'DENY')
    void reply.header('x-content-type-options', 'nosniff')
    void reply.header('referrer-policy', 'no-referrer')
  })
  await app.register(fastifyStatic, { root: options.rendererDir, index: 'index.html' })

  const bridge = new WebSocketServer({ noServer: true, maxPayload: BRIDGE_MAX_FRAME_BYTES })
  let origin = ''
  app.server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== BRIDGE_PATH) {
      socket.destroy()
      return
    }
    bridge.handleUpgrade(request, socket, head, (ws) => {
      // A page from any other origin (another site the agent has open) must not reach the session.
      if (request.headers.origin !== origin) {
        ws.close(BRIDGE_CLOSE_BAD_ORIGIN, 'Origin not allowed')
        return
      }
      serveBridge(ws, services, secret)
    })
  })

  await app.listen({ host, port: options.port ?? 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

  return {
    url: `${origin}/#k=${secret}`,
    origin,
    secret,
    services,
    async stop() {
      for (const client of bridge.clients) client.terminate()
      bridge.close()
      await app.close()
      await services.dispose()
    },
  }
}
