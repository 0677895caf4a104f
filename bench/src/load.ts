import type { LoadGenerator } from './load-generator.js'
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
  /** What failed, by status code or error kind, with counts. */
  readonly statuses: Record<string, number>
  /** Server process CPU, in cores (1 = one core fully busy). */
  readonly serverCpu: number
  /** The load generator's CPU, in cores. */
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

/** Runs a load against `url` with `generator` and measures the server process `pid`. */
export async function runLoad(
  generator: LoadGenerator,
  url: string,
  pid: number,
  plan: LoadPlan,
  options: LoadOptions,
): Promise<LoadResult> {
  const stopMemory = watchMemory(pid)
  const serverBefore = processCpuSeconds(pid)
  const machineBefore = machineCpuSeconds()
  const database = options.postgresDatabase
  const postgresBefore = database ? postgresBackends(database) : new Map<number, number>()
  const run = await generator.run(url, plan, options.connections, options.seconds)
  const memory = stopMemory()
  const machineAfter = machineCpuSeconds()
  const wall = run.seconds
  const postgresCpu = database ? postgresCpuSince(database, postgresBefore) / wall : 0
  const serverCpu = (processCpuSeconds(pid) - serverBefore) / wall
  const loadCpu = run.cpuSeconds / wall
  const machineCpu = (machineAfter.busy - machineBefore.busy) / wall
  return {
    rps: run.ok / wall,
    p50: run.p50,
    p99: run.p99,
    ok: run.ok,
    failed: run.failed,
    statuses: run.statuses,
    serverCpu,
    loadCpu,
    postgresCpu,
    machineCpu,
    foreignCpu: Math.max(0, machineCpu - serverCpu - loadCpu - postgresCpu),
    memory,
  }
}
