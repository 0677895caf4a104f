/**
`npm run bench`: the ceiling (bare node:http) and glucoshare on SQLite and PostgreSQL, at 10
million and at 10,000 readings, under the same load (wrk, or autocannon where wrk is missing),
interleaved round by round.
Prints a markdown report and writes every figure to bench/data/results-<time>.json.
Missing databases are generated first (see generate.ts). Options: see BENCHMARKS.md.
@module
*/
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { DATA_DIR, datasetInfoPath, pgDatabaseName, PG_SERVER } from './bench-paths.js'
import { startServer, type BenchServer } from './bench-servers.js'
import { readDatasetInfo, type DatasetInfo, type SizeName } from './dataset.js'
import {
  datasetExists,
  dropPgDatabase,
  generateDataset,
  recreatePgDatabase,
  type StoreName,
} from './generate.js'
import { autocannonLoad } from './autocannon-load.js'
import { runLoad, type LoadResult } from './load.js'
import type { LoadGenerator } from './load-generator.js'
import { machineDescription } from './machine.js'
import { glucoshareNodeOptions } from './node-options.js'
import { freePort } from './free-port.js'
import { preflight } from './preflight.js'
import { machineLoad } from './process-sampler.js'
import { takeRunLock } from './run-lock.js'
import { renderReport, type BenchReport, type MeasurementReport } from './report.js'
import { UploadTimeline, Uploads, fixedRequests, readRequests, type LoadPlan } from './scenarios.js'
import { hasWrk, wrkLoad } from './wrk-load.js'

const { values: options } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    only: { type: 'string' },
    baseline: { type: 'string' },
    'quiet-wait': { type: 'string', default: '60' },
    'no-pin': { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'info' },
    'load-generator': { type: 'string' },
  },
})
const rounds = Number(options.rounds)
const seconds = Number(options.seconds)
const warmup = Number(options.warmup)
const connections = Number(options.connections)
const quietWaitMs = Number(options['quiet-wait']) * 1000
const only = options.only?.split(',')
const baseline = options.baseline && resolve(options.baseline, 'index.js')
const pin = !options['no-pin'] && availableParallelism() >= 2 && hasTaskset()
const generator = chooseGenerator(options['load-generator'])
const GLUCOSHARE_NODE_OPTIONS = glucoshareNodeOptions()

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`)
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

// wrk (C) answers the ceiling's question, how fast a bare server is; autocannon (JavaScript) is
// slower than the bare server, so with it the ceiling is autocannon's own limit (BENCHMARKS.md).
function chooseGenerator(name: string | undefined): LoadGenerator {
  if (name === 'autocannon') return autocannonLoad
  if (name !== undefined && name !== 'wrk') {
    throw new Error(`unknown load generator ${name}: wrk or autocannon`)
  }
  if (hasWrk()) return wrkLoad
  if (name === 'wrk') throw new Error('wrk is not installed (Debian: apt-get install wrk)')
  log('wrk is not installed (Debian: apt-get install wrk): measuring with autocannon instead')
  return autocannonLoad
}

/** One thing measured each round. */
interface Measurement {
  readonly id: string
  readonly server: BenchServer
  readonly plan: LoadPlan
  /** The PostgreSQL database of the server, if it uses one. */
  readonly database: string | undefined
}

function wanted(id: string): boolean {
  return id === 'ceiling' || !only || only.some((prefix) => id.startsWith(prefix))
}

// Other processes on a shared machine distort a figure: wait (a while) for them to settle, and
// measure again when they were busy during a run, keeping the least disturbed attempt.
const QUIET_CORES = 0.15
const FOREIGN_CORES = 0.15
const MAX_ATTEMPTS = 3

async function waitForQuiet(): Promise<void> {
  const deadline = Date.now() + quietWaitMs
  let load = await machineLoad()
  while (load > QUIET_CORES && Date.now() < deadline) {
    log(`waiting for other processes (${load.toFixed(2)} cores busy)`)
    await new Promise((resolve) => setTimeout(resolve, 3000))
    load = await machineLoad()
  }
}

/** A warm-up, then the measured run, repeated while other processes used the CPU. */
async function measure(m: Measurement): Promise<LoadResult> {
  let best: LoadResult | undefined
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    await waitForQuiet()
    const load = { connections, postgresDatabase: m.database }
    await runLoad(generator, m.server.url, m.server.pid, m.plan, { ...load, seconds: warmup })
    const result = await runLoad(generator, m.server.url, m.server.pid, m.plan, {
      ...load,
      seconds,
    })
    if (!best || result.foreignCpu < best.foreignCpu) best = result
    if (result.foreignCpu <= FOREIGN_CORES) break
    log(`${m.id}: other processes used ${result.foreignCpu.toFixed(2)} cores`)
  }
  return best!
}

/** Copies a pristine dataset for this run (uploads change it) and answers the copy's location. */
async function runCopy(store: StoreName, size: SizeName, info: DatasetInfo): Promise<string> {
  copies.push({ store, size })
  if (store === 'sqlite') {
    const copy = sqliteCopy(size)
    for (const suffix of ['', '-wal', '-shm']) rmSync(copy + suffix, { force: true })
    copyFileSync(info.location, copy)
    return copy
  }
  await recreatePgDatabase(pgDatabaseName(size, '_run'), pgDatabaseName(size))
  return `${PG_SERVER}/${pgDatabaseName(size, '_run')}`
}

const copies: { store: StoreName; size: SizeName }[] = []

function sqliteCopy(size: SizeName): string {
  return `${DATA_DIR}sqlite-${size}.run.db`
}

/** Removes this run's copies (a 10M copy is about 0.4 GB on SQLite and 0.8 GB on PostgreSQL). */
async function removeCopies(): Promise<void> {
  for (const { store, size } of copies.splice(0)) {
    if (store === 'postgres') await dropPgDatabase(pgDatabaseName(size, '_run'))
    else
      for (const suffix of ['', '-wal', '-shm']) rmSync(sqliteCopy(size) + suffix, { force: true })
  }
}

const servers: BenchServer[] = []

async function stopServers(): Promise<void> {
  for (const server of servers.splice(0)) await server.stop()
}

/** Starts the servers the selected measurements need, and lists the measurements. */
async function prepare(): Promise<Measurement[]> {
  const cpu = pin ? 0 : undefined
  const barePort = await freePort()
  const bare = await startServer({
    name: 'ceiling',
    script: 'bare-server.js',
    args: [String(barePort)],
    port: barePort,
    readyPath: '/',
    cpu,
  })
  servers.push(bare)
  const measurements: Measurement[] = [
    { id: 'ceiling', server: bare, plan: fixedRequests(), database: undefined },
  ]
  for (const size of ['full', 'small'] as const) {
    for (const store of ['sqlite', 'postgres'] as const) {
      const name = `${store}-${size}`
      if (!['read1', 'read288', 'write1', 'write288'].some((s) => wanted(`${name}.${s}`))) continue
      if (!datasetExists(store, size)) await generateDataset(store, size)
      const info = readDatasetInfo(datasetInfoPath(store, size))
      const location = await runCopy(store, size, info)
      const timeline = new UploadTimeline(info.now, info.accounts.length)
      for (const variant of baseline ? ['', '~baseline'] : ['']) {
        const port = await freePort()
        const server = await startServer({
          name: `${name}${variant}`,
          script: 'glucoshare-server.js',
          // As `npm start` runs the server (package.json): a young generation of 8 MiB semi-spaces.
          nodeOptions: GLUCOSHARE_NODE_OPTIONS,
          args: ['--db', location, '--port', String(port), '--now', String(info.now)].concat(
            '--log-level',
            options['log-level'],
          ),
          port,
          readyPath: '/health',
          cpu,
          ...(variant && baseline ? { env: { GLUCOSHARE_BENCH_SERVER: baseline } } : {}),
        })
        servers.push(server)
        await preflight(server.url, info, timeline)
        const database = store === 'postgres' ? pgDatabaseName(size, '_run') : undefined
        const add = (scenario: string, plan: LoadPlan) =>
          measurements.push({ id: `${name}.${scenario}${variant}`, server, plan, database })
        add('read1', readRequests(info.accounts, 1))
        add('read288', readRequests(info.accounts, 288))
        // Uploads only at full size: the 10,000-reading databases compare read latency.
        if (size === 'full') {
          add('write1', { kind: 'upload', uploads: new Uploads(info.accounts, 1, timeline) })
          add('write288', { kind: 'upload', uploads: new Uploads(info.accounts, 288, timeline) })
        }
      }
    }
  }
  return measurements.filter((m) => wanted(m.id))
}

async function main(): Promise<void> {
  mkdirSync(DATA_DIR, { recursive: true })
  const releaseLock = takeRunLock(`${DATA_DIR}run.lock`)
  process.once('exit', releaseLock)
  const machine = await machineDescription()
  if (pin) execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' })
  const stop = () => {
    void stopServers()
      .then(removeCopies)
      .finally(() => process.exit(130))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    const measurements = await prepare()
    const results = new Map<string, LoadResult[]>(measurements.map((m) => [m.id, []]))
    const started = new Date()
    for (let round = 1; round <= rounds; round++) {
      for (const m of measurements) {
        const result = await measure(m)
        results.get(m.id)!.push(result)
        const failed = result.failed
          ? `, ${result.failed} FAILED ${JSON.stringify(result.statuses)}`
          : ''
        log(
          `round ${round}/${rounds} ${m.id}: ${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(2)} ms, ` +
            `p99 ${result.p99.toFixed(2)} ms, RSS ${Math.round(result.memory.rss)} MiB, ` +
            `other CPU ${result.foreignCpu.toFixed(2)}${failed}`,
        )
      }
    }
    const report: BenchReport = {
      started: started.toISOString(),
      machine,
      options: {
        rounds,
        seconds,
        warmup,
        connections,
        pinned: pin,
        logLevel: options['log-level'],
        loadGenerator: generator.name,
        ...(baseline ? { baseline } : {}),
      },
      measurements: [...results].map(([id, runs]): MeasurementReport => ({ id, runs })),
    }
    const file = `${DATA_DIR}results-${started.toISOString().replace(/[:.]/g, '-')}.json`
    writeFileSync(file, JSON.stringify(report, null, 1))
    process.stdout.write(renderReport(report))
    log(`raw figures in ${file}`)
  } finally {
    await stopServers()
    await removeCopies()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${(error as Error).stack ?? String(error)}\n`)
  process.exitCode = 1
})
