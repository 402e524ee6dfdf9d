import type { FanoutResult } from './fanout'
import type { Summary } from './stats'
import type { WebHostResult } from './web-host-startup'

interface Row {
  measure: string
  system: number
  baseline: number
  baselineName: string
}

const ms = (v: number) => (Number.isFinite(v) ? `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ms` : 'n/a')
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}×` : 'n/a')

function fanoutRows(f: FanoutResult): Row[] {
  const relay = 'raw socket.io relay'
  const pick = (label: string, s: Summary, b: Summary, baselineName = relay): Row[] => [
    { measure: `${label} p50`, system: s.p50, baseline: b.p50, baselineName },
    { measure: `${label} p99`, system: s.p99, baseline: b.p99, baselineName },
    { measure: `${label} max`, system: s.max, baseline: b.max, baselineName },
  ]
  return [
    ...pick(`state change → each of ${f.listeners} leads`, f.server.delivery, f.relay.delivery),
    ...pick(`state change → all ${f.listeners} leads`, f.server.allReached, f.relay.allReached),
    ...pick('agentState:set ack (1 client)', f.server.ack, f.ackBaseline, 'plain socket.io ack'),
    { measure: 'agentState:set ack p50, fan-out included', system: f.server.ack.p50, baseline: f.relay.ack.p50, baselineName: 'relay ping ack (same fan-out)' },
    { measure: 'agentState:set ack p99, fan-out included', system: f.server.ack.p99, baseline: f.relay.ack.p99, baselineName: 'relay ping ack (same fan-out)' },
  ]
}

function webRows(w: WebHostResult): Row[] {
  const stat = 'trivial Node static server'
  return [
    { measure: 'web host spawn → login input usable, median', system: w.webHost.inputReady.p50, baseline: w.staticBaseline.inputReady.p50, baselineName: stat },
    { measure: 'web host spawn → login input usable, min', system: w.webHost.inputReady.min, baseline: w.staticBaseline.inputReady.min, baselineName: stat },
    { measure: 'web host spawn → URL printed, median', system: w.webHost.urlPrinted.p50, baseline: w.staticBaseline.urlPrinted.p50, baselineName: stat },
    { measure: 'web host URL printed → input usable, median', system: w.webHost.pageLoad.p50, baseline: w.staticBaseline.pageLoad.p50, baselineName: stat },
    { measure: 'login → shell visible, median', system: w.loginToShell.median, baseline: w.loginHttpBaseline.median, baselineName: 'POST /api/auth/login' },
  ]
}

export function renderTable(fanout: FanoutResult | undefined, web: WebHostResult | undefined): string {
  const rows = [...(fanout ? fanoutRows(fanout) : []), ...(web ? webRows(web) : [])]
  const header = ['measurement', 'system', 'baseline', 'ratio', 'baseline is']
  const cells = rows.map((r) => [r.measure, ms(r.system), ms(r.baseline), ratio(r.system, r.baseline), r.baselineName])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: string[]) => c.map((v, i) => (i === 0 || i === 4 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)]
  if (fanout) {
    const s = fanout.server
    out.push(
      '',
      `fan-out: ${fanout.rounds} changes × ${fanout.listeners} leads; missed deliveries server ${s.missedDeliveries} (in ${s.roundsWithMisses} rounds), ` +
        `relay ${fanout.relay.missedDeliveries}; stray/duplicate events server ${s.strayEvents}/${s.duplicateEvents}, relay ${fanout.relay.strayEvents}/${fanout.relay.duplicateEvents}; ` +
        `unexpected disconnects ${s.unexpectedDisconnects}`,
      ...Object.entries(s.strayKinds).map(([kind, n]) => `  stray team:presence for the agent: ${n} × ${kind}`),
      `setup: login p50 ${ms(s.loginMs.p50)} (max ${ms(s.loginMs.max)}), ${fanout.listeners} leads connected in ${ms(s.connectStormMs)}, ` +
        `welcome p50 ${ms(s.welcomeMs.p50)} / max ${ms(s.welcomeMs.max)}, ${s.presenceEventsDuringSetup} team:presence events received by the leads during setup`,
    )
  }
  if (web) {
    out.push(
      `web host runs (spawn → input, ms): ${web.webHost.samples.map((s) => s.inputReadyMs.toFixed(0)).join(', ')}; ` +
        `static: ${web.staticBaseline.samples.map((s) => s.inputReadyMs.toFixed(0)).join(', ')}`,
      `login → shell runs (ms): ${web.loginToShell.samples.map((v) => v.toFixed(0)).join(', ')}; HTTP login: ${web.loginHttpBaseline.samples.map((v) => v.toFixed(0)).join(', ')}`,
    )
  }
  return out.join('\n')
}
