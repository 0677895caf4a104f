import autocannon from 'autocannon'
import { percentile } from './stats.js'
import type { LoadPlan } from './scenarios.js'
import {
  machineCpuSeconds,
  postgresBackends,
  postgresCpuSince,
  processCpuSeconds,
  watchMemory,
  type MemorySample,
} from './process-sampler.js'

/** How hard to push. */
export interface LoadOptions {
  readonly connections: number
  readonly seconds: number
  /** The PostgreSQL database the server uses, to measure its backends' CPU. */
  readonly postgresDatabase?: string | undefined
}

/** What one load run measured. */
export interface LoadResult {
  /** 2xx responses per second. */
  readonly rps: number
  /** Latency of 2xx responses, ms. */
  readonly p50: number
  readonly p99: number
  readonly ok: number
  /** Non-2xx responses plus connection errors and timeouts: must be 0 for a valid run. */
  readonly failed: number
  /** Status codes other than 2xx, with their counts. */
  readonly statuses: Record<string, number>
  /** Server process CPU, in cores (1 = one core fully busy). */
  readonly serverCpu: number
  /** This (load generator) process's CPU, in cores. */
  readonly loadCpu: number
  /** The server's PostgreSQL backends, in cores. */
  readonly postgresCpu: number
  /** Whole-machine CPU, in cores. */
  readonly machineCpu: number
  /**
  CPU of everything else (other processes on a shared machine), in cores: a figure taken while
  it is high is not comparable with the others.
  */
  readonly foreignCpu: number
  /** Peak server memory during the run. */
  readonly memory: MemorySample
}

const HEADERS = { 'content-type': 'application/json' }

/** Runs a load against `url` with autocannon and measures the server process `pid`. */
export async function runLoad(
  url: string,
  pid: number,
  plan: LoadPlan,
  options: LoadOptions,
): Promise<LoadResult> {
  const latencies: number[] = []
  const statuses: Record<string, number> = {}
  const stopMemory = watchMemory(pid)
  const serverBefore = processCpuSeconds(pid)
  const loadBefore = process.cpuUsage()
  const machineBefore = machineCpuSeconds()
  const database = options.postgresDatabase
  const postgresBefore = database ? postgresBackends(database) : new Map<number, number>()
  const instance = autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
    method: 'POST',
    headers: HEADERS,
    ...(plan.kind === 'fixed'
      ? {
          setupClient: (client) =>
            client.setRequests(
              plan.connectionRequests().map((r) => ({ method: 'POST', headers: HEADERS, ...r })),
            ),
        }
      : { requests: [{ setupRequest: (request) => ({ ...request, ...plan.next() }) }] }),
  })
  // autocannon's own histogram keeps whole milliseconds; record the exact times instead.
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.push(ms)
    else statuses[status] = (statuses[status] ?? 0) + 1
  })
  const result = await instance
  const memory = stopMemory()
  const loadUsage = process.cpuUsage(loadBefore)
  const machineAfter = machineCpuSeconds()
  const wall = result.duration
  const postgresCpu = database ? postgresCpuSince(database, postgresBefore) / wall : 0
  latencies.sort((a, b) => a - b)
  const serverCpu = (processCpuSeconds(pid) - serverBefore) / wall
  const loadCpu = (loadUsage.user + loadUsage.system) / 1e6 / wall
  const machineCpu = (machineAfter.busy - machineBefore.busy) / wall
  return {
    rps: latencies.length / wall,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ok: latencies.length,
    failed: result.non2xx + result.errors,
    statuses,
    serverCpu,
    loadCpu,
    postgresCpu,
    machineCpu,
    foreignCpu: Math.max(0, machineCpu - serverCpu - loadCpu - postgresCpu),
    memory,
  }
}
