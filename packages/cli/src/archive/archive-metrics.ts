/**
Prometheus metrics of `glucoshare archive`, in a registry of their own (never prom-client's
global one), served by {@link startMetricsServer}.
@module
*/
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Counter, Gauge, Registry } from 'prom-client'
import type { ArchiveEvent, FollowerStatus } from './account-follower.js'

/** What the metrics read at scrape time. */
export interface ArchiveMetricsOptions {
  /** The followers' current status. */
  readonly statuses: () => readonly FollowerStatus[]
  /** Epoch ms, for ages. */
  readonly now: () => number
  /** A reading older than this has no value and trend sample: a stale value must not look live. */
  readonly staleMs: number
}

/**
The metrics, all labelled by `source`:
- `glucoshare_glucose_mgdl`, `glucoshare_glucose_trend`: the newest reading, omitted when stale;
- `glucoshare_glucose_age_seconds`, `glucoshare_glucose_timestamp_seconds`: always, for alerts
  on staleness;
- `glucoshare_archive_poll_errors_total{kind}`, `glucoshare_archive_readings_stored_total`;
- `glucoshare_archive_next_poll_timestamp_seconds`, `glucoshare_archive_following` (0 once the
  account's login was refused).
*/
export class ArchiveMetrics {
  /** The registry to scrape. */
  readonly registry = new Registry()
  readonly #pollErrors: Counter<'source' | 'kind'>
  readonly #stored: Counter<'source'>

  constructor(options: ArchiveMetricsOptions) {
    const { statuses, now, staleMs } = options
    const registers = [this.registry]
    const fresh = (status: FollowerStatus) =>
      status.newest !== undefined && now() - status.newest.systemTime <= staleMs
    const perSource = (
      name: string,
      help: string,
      value: (status: FollowerStatus) => number | undefined,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['source'],
        registers,
        collect() {
          this.reset()
          for (const status of statuses()) {
            const v = value(status)
            if (v !== undefined) this.set({ source: status.source }, v)
          }
        },
      })
    perSource(
      'glucoshare_glucose_mgdl',
      'Newest glucose value in mg/dL; absent when stale.',
      (s) => (fresh(s) ? s.newest?.value : undefined),
    )
    perSource(
      'glucoshare_glucose_trend',
      'Share trend (0-9) of the newest reading; absent when stale.',
      (s) => (fresh(s) ? s.newest?.trend : undefined),
    )
    perSource('glucoshare_glucose_age_seconds', 'Age of the newest archived reading.', (s) =>
      s.newest ? Math.max(0, (now() - s.newest.systemTime) / 1000) : undefined,
    )
    perSource(
      'glucoshare_glucose_timestamp_seconds',
      'Time of the newest archived reading.',
      (s) => (s.newest ? s.newest.systemTime / 1000 : undefined),
    )
    perSource(
      'glucoshare_archive_next_poll_timestamp_seconds',
      'When the next poll is due.',
      (s) => (s.nextPollAt !== undefined ? s.nextPollAt / 1000 : undefined),
    )
    perSource(
      'glucoshare_archive_following',
      '1 while the account is followed, 0 once stopped.',
      (s) => (s.state === 'stopped' ? 0 : 1),
    )
    this.#pollErrors = new Counter({
      name: 'glucoshare_archive_poll_errors_total',
      help: 'Failed polls, by source and kind (account, locked, session, network, timeout, server, argument, store, other).',
      labelNames: ['source', 'kind'],
      registers,
    })
    this.#stored = new Counter({
      name: 'glucoshare_archive_readings_stored_total',
      help: 'Readings newly stored in the archive.',
      labelNames: ['source'],
      registers,
    })
    // Counters start at 0 so that rate() works from the first scrape.
    for (const status of statuses()) this.#stored.inc({ source: status.source }, 0)
  }

  /** Counts an event of a follower. */
  record(event: ArchiveEvent): void {
    if (event.type === 'polled') this.#stored.inc({ source: event.source }, event.added)
    if (event.type === 'error') this.#pollErrors.inc({ source: event.source, kind: event.kind })
  }
}

/** A listening metrics endpoint. */
export interface MetricsServer {
  /** `http://127.0.0.1:9464/metrics` */
  readonly url: string
  close(): Promise<void>
}

/** Serves `GET /metrics` (and nothing else) for the registry. */
export async function startMetricsServer(
  registry: Registry,
  { port, host }: { port: number; host: string },
): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0]
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try /metrics\n')
      return
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType })
        response.end(request.method === 'HEAD' ? undefined : text)
      },
      () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shownHost}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
