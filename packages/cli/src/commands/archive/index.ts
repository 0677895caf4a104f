import { defineCommand, type ArgsDef } from 'citty'
import { AccountFollower, type ArchiveEvent } from '../../archive/account-follower.js'
import {
  ArchiveMetrics,
  startMetricsServer,
  type MetricsServer,
} from '../../archive/archive-metrics.js'
import { ArchiveRunner } from '../../archive/archive-runner.js'
import { systemScheduler } from '../../archive/archive-scheduler.js'
import { ArchiveStatusReporter } from '../../archive/archive-status.js'
import { ArchiveStore } from '../../archive/archive-store.js'
import { resolveFollowedAccounts } from '../../archive/followed-accounts.js'
import { CLIError, EXIT } from '../../cli-error.js'
import { archivePathOf, archiveReadArgs } from '../_archive-args.js'
import { DEFAULT_STALE_MINUTES, integerArg, shareArgs, staleArgs } from '../_shared.js'

const archiveArgs = {
  ...shareArgs,
  name: {
    type: 'string',
    description:
      'Archive source name for the account (default: its username or account id); with --accounts, "name" in the file',
  },
  accounts: {
    type: 'string',
    description:
      'JSON file listing several accounts to follow: {"accounts": [{"name", "username" or "accountId", "region" or "server", "passwordEnv" or "password"}]}',
    valueHint: 'file',
  },
  archive: archiveReadArgs.archive,
  'metrics-port': {
    type: 'string',
    description:
      'Serve Prometheus metrics on this port at /metrics (default: off; 0 picks a free port)',
    valueHint: 'n',
  },
  'metrics-host': {
    type: 'string',
    description: 'Address for the metrics endpoint (default 127.0.0.1)',
    valueHint: 'addr',
  },
  'stale-minutes': {
    ...staleArgs['stale-minutes'],
    description: `Leave the metrics' value and trend out when the newest reading is older than this many minutes (default ${DEFAULT_STALE_MINUTES})`,
  },
  quiet: {
    type: 'boolean',
    description: 'Print only failures: no status line, no line per poll',
    default: false,
  },
} as const satisfies ArgsDef

export default defineCommand({
  meta: {
    name: 'archive',
    description:
      'Follow one or more Share accounts and keep every reading in a local archive, until stopped (Ctrl-C)',
  },
  args: archiveArgs,
  subCommands: {
    serve: () => import('./serve.js').then((m) => m.default),
  },
  async run({ args }) {
    // citty runs the group's own `run` after a subcommand too; a positional means one ran.
    if (args._.length > 0) return
    const staleMinutes = integerArg('--stale-minutes', args['stale-minutes'], {
      min: 1,
      max: 1440,
      fallback: DEFAULT_STALE_MINUTES,
    })
    const metricsPort =
      args['metrics-port'] === undefined || args['metrics-port'] === ''
        ? undefined
        : integerArg('--metrics-port', args['metrics-port'], { min: 0, max: 65535, fallback: 0 })
    const accounts = await resolveFollowedAccounts(args, args.accounts)
    const store = ArchiveStore.open(archivePathOf(args.archive))
    try {
      await follow(args, { accounts, store, staleMinutes, metricsPort })
    } finally {
      store.close()
    }
  },
})

async function follow(
  args: { quiet: boolean; 'metrics-host'?: string | undefined },
  setup: {
    accounts: Awaited<ReturnType<typeof resolveFollowedAccounts>>
    store: ArchiveStore
    staleMinutes: number
    metricsPort: number | undefined
  },
): Promise<void> {
  const { accounts, store, staleMinutes, metricsPort } = setup
  const scheduler = systemScheduler
  let followers: AccountFollower[] = []
  const statuses = () => followers.map((follower) => follower.status)
  const metrics = new ArchiveMetrics({
    statuses,
    now: scheduler.now,
    staleMs: staleMinutes * 60_000,
  })
  const reporter = new ArchiveStatusReporter({
    out: process.stdout,
    err: process.stderr,
    quiet: args.quiet,
    now: scheduler.now,
    statuses,
  })
  const onEvent = (event: ArchiveEvent) => {
    metrics.record(event)
    reporter.event(event)
  }
  followers = accounts.map(
    ({ name, opened }) =>
      new AccountFollower({
        source: name,
        client: opened.client,
        host: opened.host,
        store,
        scheduler,
        onEvent,
      }),
  )
  const controller = new AbortController()
  const stop = () => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  let server: MetricsServer | undefined
  try {
    if (metricsPort !== undefined) {
      server = await startMetrics(metrics, metricsPort, args['metrics-host']?.trim() || '127.0.0.1')
      reporter.note(`metrics on ${server.url}`)
    }
    reporter.note(
      `archiving ${accounts.map((a) => `${a.name} (${a.opened.host})`).join(', ')} into ${store.path}; Ctrl-C stops`,
    )
    reporter.start()
    const outcome = await new ArchiveRunner(followers, scheduler).run(controller.signal)
    reporter.stop()
    if (outcome === 'stopped') {
      throw new CLIError(
        accounts.length === 1
          ? 'the login was refused, so nothing is being archived'
          : 'every login was refused, so nothing is being archived',
      )
    }
    reporter.note('stopped')
  } finally {
    reporter.stop()
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    await server?.close()
  }
}

async function startMetrics(
  metrics: ArchiveMetrics,
  port: number,
  host: string,
): Promise<MetricsServer> {
  try {
    return await startMetricsServer(metrics.registry, { port, host })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason =
      code === 'EADDRINUSE'
        ? `port ${port} is in use; pick another with --metrics-port`
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? `${host} is not an address of this computer`
          : (error as Error).message
    throw new CLIError(`cannot start the metrics endpoint: ${reason}`, EXIT.usage)
  }
}
