/**
 * Serves the softphone bench's baseline page (jssip-page.ts bundled with jssip by esbuild, which
 * node_modules has through vite and tsx) on 127.0.0.1, in the bench's own process. The bundle is
 * built once, in memory, before anything is timed.
 */
import { createServer } from 'node:http'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { build } from 'esbuild'

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>bench: JsSIP in a page</title></head>
  <body><script src="/jssip-page.js"></script></body>
</html>
`

export interface JsSipPageHost {
  url: string
  bundleBytes: number
  buildMs: number
  stop(): Promise<void>
}

export async function startJsSipPageHost(): Promise<JsSipPageHost> {
  const started = performance.now()
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, 'jssip-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    // The `debug` package JsSIP logs through reads it; JsSIP's logging stays off.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  })
  const script = bundle.outputFiles[0]?.contents
  if (!script) throw new Error('esbuild produced no bundle for the JsSIP page')
  const buildMs = performance.now() - started

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    if (request.method === 'GET' && path === '/') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE)
    else if (request.method === 'GET' && path === '/jssip-page.js') response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script)
    else if (path === '/favicon.ico') response.writeHead(204).end()
    else response.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/`,
    bundleBytes: script.byteLength,
    buildMs,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
