import type { LoadPlan } from './scenarios.js'

/** What a load generator measured in one run. */
export interface GeneratorRun {
  /** Wall time of the run, seconds. */
  readonly seconds: number
  /** 2xx responses. */
  readonly ok: number
  /** Latency, ms. */
  readonly p50: number
  readonly p99: number
  /** Non-2xx responses plus connection errors and timeouts: must be 0 for a valid run. */
  readonly failed: number
  /** What failed, by status code or error kind, with counts. */
  readonly statuses: Record<string, number>
  /** CPU the load generator used, seconds. */
  readonly cpuSeconds: number
}

/** A program that sends a plan's requests over `connections` connections for `seconds`. */
export interface LoadGenerator {
  readonly name: string
  run(url: string, plan: LoadPlan, connections: number, seconds: number): Promise<GeneratorRun>
}
