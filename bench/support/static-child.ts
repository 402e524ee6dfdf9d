/**
 * Baseline for the web host's cold start: a trivial Node static server with one input.
 * Prints {"ready":true,"url":...} once listening (the same moment the web host prints its URL).
 */
import { createServer } from 'node:http'
import { announceReady, stopOnSignal } from './child-lifecycle'

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>bench baseline</title></head>
  <body><form><input data-testid="login-username" autofocus /></form></body>
</html>
`

const server = createServer((request, response) => {
  if (request.method !== 'GET' || (request.url ?? '/').split('?')[0] !== '/') {
    response.writeHead(404).end()
    return
  }
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE)
})

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const address = server.address()
const port = typeof address === 'object' && address ? address.port : 0
stopOnSignal(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
)
announceReady({ url: `http://127.0.0.1:${port}/`, port, pid: process.pid })
