import autocannon from 'autocannon'
import type { LoadGenerator } from './load-generator.js'
import { percentile } from './stats.js'

const HEADERS = { 'content-type': 'application/json' }

/**
autocannon, in the benchmark's own process: needs nothing but npm, but at about 30 µs per
request it is slower than the bare server, so the ceiling it measures is its own (BENCHMARKS.md).
*/
export const autocannonLoad: LoadGenerator = {
  name: 'autocannon',
  async run(url, plan, connections, seconds) {
    const latencies: number[] = []
    const statuses: Record<string, number> = {}
    const before = process.cpuUsage()
    const instance = autocannon({
      url,
      connections,
      duration: seconds,
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
        : { requests: [{ setupRequest: (request) => ({ ...request, ...plan.uploads.next() }) }] }),
    })
    // autocannon's own histogram keeps whole milliseconds; record the exact times instead.
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status >= 200 && status < 300) latencies.push(ms)
      else statuses[status] = (statuses[status] ?? 0) + 1
    })
    const result = await instance
    const usage = process.cpuUsage(before)
    latencies.sort((a, b) => a - b)
    return {
      seconds: result.duration,
      ok: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      failed: result.non2xx + result.errors,
      statuses,
      cpuSeconds: (usage.user + usage.system) / 1e6,
    }
  },
}
