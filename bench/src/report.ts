import type { LoadResult } from './load.js'
import type { MachineDescription } from './machine.js'
import { median, spread } from './stats.js'

/** Every run of one measurement, in round order. */
export interface MeasurementReport {
  readonly id: string
  readonly runs: readonly LoadResult[]
}

/** Everything a benchmark run records. */
export interface BenchReport {
  readonly started: string
  readonly machine: MachineDescription
  readonly options: {
    readonly rounds: number
    readonly seconds: number
    readonly warmup: number
    readonly connections: number
    readonly pinned: boolean
    readonly logLevel: string
    /** wrk or autocannon; reports written before wrk was added have none (autocannon). */
    readonly loadGenerator?: string
    /** The other server build compared (its measurements end in `~baseline`). */
    readonly baseline?: string
  }
  readonly measurements: readonly MeasurementReport[]
}

/** Issue 5's targets: throughput as a ratio to the ceiling measured in the same round. */
export const RATIO_TARGETS: Readonly<Record<string, number>> = {
  'sqlite-full.read1': 0.6,
  'postgres-full.read1': 0.25,
  'sqlite-full.read288': 0.08,
  'sqlite-full.write1': 0.25,
  'postgres-full.write1': 0.1,
}
/** Server memory under load, MiB (peak RSS). */
export const MEMORY_TARGET_MIB = 200
/** Read latency at 10 million readings over its value at 10,000. */
export const LATENCY_GROWTH_TARGET = 1.2

const LABELS: Readonly<Record<string, string>> = {
  read1: 'ReadPublisherLatestGlucoseValues maxCount=1',
  read288: 'ReadPublisherLatestGlucoseValues maxCount=288',
  write1: 'PostReceiverEgvRecords, 1 reading',
  write288: 'PostReceiverEgvRecords, 288 readings',
}

function label(id: string): string {
  if (id === 'ceiling') return 'ceiling: bare node:http, fixed 120 B'
  const [main = '', variant] = id.split('~')
  const [server = '', scenario = ''] = main.split('.')
  const [store, size] = server.split('-')
  const text = `${store} ${size === 'full' ? '10M' : '10k'}: ${LABELS[scenario] ?? scenario}`
  return variant ? `${text} (${variant} build)` : text
}

/** Per-round ratios of a measurement's throughput to the ceiling's. */
function ratios(runs: readonly LoadResult[], ceiling: readonly LoadResult[]): number[] {
  return runs.map((run, round) => run.rps / (ceiling[round]?.rps ?? Number.NaN))
}

function verdict(ok: boolean): string {
  return ok ? 'met' : '**not met**'
}

/** The report as markdown: results table, then each target with its verdict. */
export function renderReport(report: BenchReport): string {
  const { machine, options } = report
  const byId = new Map(report.measurements.map((m) => [m.id, m.runs]))
  const ceiling = byId.get('ceiling') ?? []
  const lines: string[] = [
    `## Run of ${report.started}`,
    '',
    `${machine.cpu}, ${machine.cpus} CPUs, ${machine.memoryGiB} GiB, Linux ${machine.kernel}; ` +
      `node ${machine.node}, SQLite ${machine.sqlite}, PostgreSQL ${machine.postgres}.`,
    `${options.rounds} rounds × ${options.seconds} s measured after ${options.warmup} s warm-up, ` +
      `${options.connections} connections, ${options.loadGenerator ?? 'autocannon'}; ` +
      (options.baseline ? `baseline build ${options.baseline}; ` : '') +
      (options.pinned ? 'servers pinned to CPU 0, load generator to CPU 1; ' : 'not pinned; ') +
      `server log level ${options.logLevel}. Figures: median (min–max) over rounds.`,
    '',
    '| measurement | req/s | ratio to ceiling | p50 ms | p99 ms | peak RSS MiB (anon) | server CPU cores (µs/req) | PostgreSQL CPU | load gen CPU | other CPU | failed |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ]
  for (const { id, runs } of report.measurements) {
    const target = RATIO_TARGETS[id]
    const ratio = id === 'ceiling' ? '1' : spread(ratios(runs, ceiling), 3)
    lines.push(
      `| ${label(id)} | ${spread(runs.map((r) => r.rps))} | ${ratio}${target === undefined ? '' : ` (target ≥ ${target})`} | ` +
        `${median(runs.map((r) => r.p50)).toFixed(2)} | ${median(runs.map((r) => r.p99)).toFixed(2)} | ` +
        `${Math.round(Math.max(...runs.map((r) => r.memory.rss)))} (${Math.round(Math.max(...runs.map((r) => r.memory.anon)))}) | ` +
        `${median(runs.map((r) => r.serverCpu)).toFixed(2)} (${median(runs.map((r) => (r.serverCpu / r.rps) * 1e6)).toFixed(0)}) | ` +
        `${median(runs.map((r) => r.postgresCpu)).toFixed(2)} | ${median(runs.map((r) => r.loadCpu)).toFixed(2)} | ` +
        `${median(runs.map((r) => r.foreignCpu)).toFixed(2)} | ` +
        `${runs.reduce((sum, r) => sum + r.failed, 0)} |`,
    )
  }
  lines.push('', '| target | measured | verdict |', '|---|---|---|')
  for (const [id, target] of Object.entries(RATIO_TARGETS)) {
    const runs = byId.get(id)
    if (!runs) continue
    const ratio = median(ratios(runs, ceiling))
    lines.push(
      `| ${label(id)} ≥ ${target} × ceiling | ${ratio.toFixed(3)} | ${verdict(ratio >= target)} |`,
    )
  }
  for (const { id, runs } of report.measurements) {
    if (id === 'ceiling' || id.includes('~')) continue
    const peak = Math.max(...runs.map((r) => r.memory.rss))
    lines.push(
      `| ${label(id)}: server RSS < ${MEMORY_TARGET_MIB} MiB | ${Math.round(peak)} MiB | ${verdict(peak < MEMORY_TARGET_MIB)} |`,
    )
  }
  for (const store of ['sqlite', 'postgres']) {
    for (const scenario of ['read1', 'read288']) {
      const full = byId.get(`${store}-full.${scenario}`)
      const small = byId.get(`${store}-small.${scenario}`)
      if (!full || !small) continue
      const growth = median(full.map((r) => r.p50)) / median(small.map((r) => r.p50))
      const growth99 = median(full.map((r) => r.p99)) / median(small.map((r) => r.p99))
      lines.push(
        `| ${store} ${LABELS[scenario]}: p50 at 10M ≤ ${LATENCY_GROWTH_TARGET} × at 10k | ${growth.toFixed(2)} × (p99 ${growth99.toFixed(2)} ×) | ${verdict(growth <= LATENCY_GROWTH_TARGET)} |`,
      )
    }
  }
  return `${lines.join('\n')}\n`
}
