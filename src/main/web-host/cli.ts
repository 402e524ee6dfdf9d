import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startWebHost } from './web-host'

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: process.env.OMNI_SERVER_URL ?? 'http://127.0.0.1:3800' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '5174' },
    data: { type: 'string', default: 'data/desktop' },
    renderer: { type: 'string', default: 'out/renderer' },
  },
})

const webHost = await startWebHost({
  rendererDir: resolve(values.renderer),
  dataDir: resolve(values.data),
  defaultServerUrl: values.server,
  host: values.host,
  port: Number(values.port),
})
console.log(`座席工作台 web host ready. Open this address in a browser (it carries this launch's secret):\n  ${webHost.url}`)

const stop = () => void webHost.stop().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
