import { existsSync } from 'node:fs'
import { setTimeout as delay } from 'node:timers/promises'
import { defineCommand } from 'citty'
import { isAccountError } from '@glucoshare/sdk'
import { ArchiveStore } from '../../archive/archive-store.js'
import { CLIError, EXIT } from '../../cli-error.js'
import { readLiveReadings } from '../../export/live-readings.js'
import { NIGHTSCOUT_DEVICE } from '../../nightscout/nightscout-entry.js'
import { apiSecretHeader, parseNightscoutSite } from '../../nightscout/nightscout-site.js'
import { NightscoutError } from '../../nightscout/post-entries.js'
import {
  pushArchived,
  pushCursorName,
  pushReadings,
  type PushResult,
  type PushTarget,
} from '../../nightscout/push-readings.js'
import { API_SECRET_ENV, readApiSecret } from '../../nightscout/read-api-secret.js'
import { explainShareError, openShareClient } from '../../open-share-client.js'
import { archivePathOf, archiveReadArgs } from '../_archive-args.js'
import { integerArg, shareArgs } from '../_shared.js'

export default defineCommand({
  meta: {
    name: 'push',
    description:
      "Upload archived readings (or, with --live/--follow, a Share account's) to a Nightscout site, each reading once",
  },
  args: {
    url: {
      type: 'string',
      description: 'The Nightscout site, such as https://ns.example',
      valueHint: 'url',
    },
    'api-secret-stdin': {
      type: 'boolean',
      description: `Read the site's API_SECRET from standard input (otherwise env ${API_SECRET_ENV})`,
      default: false,
    },
    archive: archiveReadArgs.archive,
    source: {
      type: 'string',
      description:
        'The archive source to upload (needed when there are several); with --live/--follow, the name its cursor is kept under (default: the username)',
      valueHint: 'name',
    },
    live: {
      type: 'boolean',
      description:
        'Read the Share account (--username…) instead of the archive, once (last 24 hours)',
      default: false,
    },
    follow: {
      type: 'boolean',
      description: 'Like --live, but keep running: read and upload every --interval seconds',
      default: false,
    },
    interval: {
      type: 'string',
      description: 'With --follow: seconds between reads, 60-3600 (default 300)',
      valueHint: 'n',
    },
    'batch-size': {
      type: 'string',
      description: 'Entries per upload request, 1-1000 (default 200)',
      valueHint: 'n',
    },
    device: {
      type: 'string',
      description: `The entries' device field (default ${NIGHTSCOUT_DEVICE})`,
    },
    ...shareArgs,
  },
  async run({ args }) {
    const site = parseNightscoutSite(args.url)
    const live = args.live || args.follow
    if (live && args['api-secret-stdin'] && args['password-stdin']) {
      throw new CLIError(
        `--api-secret-stdin and --password-stdin cannot both read standard input: put one in ${API_SECRET_ENV} or GLUCOSHARE_PASSWORD`,
        EXIT.usage,
      )
    }
    const target: PushTarget = {
      site,
      secretHash: apiSecretHeader(await readApiSecret(args['api-secret-stdin'])),
      device: args.device?.trim() || NIGHTSCOUT_DEVICE,
      batchSize: integerArg('--batch-size', args['batch-size'], {
        min: 1,
        max: 1000,
        fallback: 200,
      }),
      post: { onRetry: (reason, ms) => note(`${reason}; retrying in ${Math.round(ms / 1000)} s`) },
    }
    const interval = integerArg('--interval', args.interval, { min: 60, max: 3600, fallback: 300 })
    if (site.entriesUrl.startsWith('http:') && !/^(localhost|127\.|\[::1\])/.test(site.host)) {
      note(
        `warning: ${site.host} is plain http: the API secret's hash crosses the network unencrypted`,
      )
    }
    const archivePath = archivePathOf(args.archive)
    if (!live) {
      if (!existsSync(archivePath)) {
        throw new CLIError(
          `no archive at ${archivePath}: run 'glucoshare archive' first, or give --archive`,
          EXIT.usage,
        )
      }
      const store = ArchiveStore.open(archivePath)
      try {
        const source = sourceOf(store, args.source, archivePath)
        report(site.host, source, await pushArchived(store, source, target))
      } finally {
        store.close()
      }
      return
    }
    await pushLive(args, archivePath, target, args.follow ? interval * 1000 : undefined)
  },
})

/** The source to push: the one given, or the archive's only one. */
function sourceOf(store: ArchiveStore, given: string | undefined, path: string): string {
  const sources = store.sources()
  const source = given?.trim()
  if (source) {
    if (!sources.includes(source)) {
      throw new CLIError(
        `the archive ${path} has no source "${source}"; ${sources.length ? `its sources: ${sources.join(', ')}` : 'it is empty'}`,
        EXIT.usage,
      )
    }
    return source
  }
  if (sources.length === 1) return sources[0]!
  throw new CLIError(
    sources.length === 0
      ? `the archive ${path} is empty: nothing to push`
      : `the archive ${path} has several sources (${sources.join(', ')}): say which with --source`,
    EXIT.usage,
  )
}

async function pushLive(
  args: Parameters<typeof openShareClient>[0] & { source?: string | undefined },
  archivePath: string,
  target: PushTarget,
  intervalMs: number | undefined,
): Promise<void> {
  const opened = await openShareClient(args)
  const source = args.source?.trim() || opened.account
  const store = ArchiveStore.open(archivePath)
  const stopped = new AbortController()
  const stop = () => stopped.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    for (;;) {
      try {
        const cursor = store.getCursor(pushCursorName(target.site, source))
        const readings = await readLiveReadings(opened.client, source, {
          from: cursor === undefined ? undefined : cursor + 1,
          now: Date.now(),
        })
        report(target.site.host, source, await pushReadings(store, source, readings, target))
      } catch (error) {
        const explained =
          error instanceof NightscoutError ? error : explainShareError(error, opened.host)
        // Without --follow every failure ends the run; with it, only those a retry cannot fix.
        const fatal =
          intervalMs === undefined ||
          isAccountError(error) ||
          (error instanceof NightscoutError && !error.retryable) ||
          !(explained instanceof CLIError)
        if (fatal) throw explained
        note(`${explained.message}; next try in ${intervalMs / 1000} s`)
      }
      if (intervalMs === undefined || stopped.signal.aborted) return
      try {
        await delay(intervalMs, undefined, { signal: stopped.signal })
      } catch {
        return
      }
    }
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    store.close()
  }
}

function report(host: string, source: string, result: PushResult): void {
  const newest = result.cursor === undefined ? 'none yet' : new Date(result.cursor).toISOString()
  const line =
    result.pushed === 0
      ? `nothing new for ${source} on ${host} (newest uploaded: ${newest})`
      : `uploaded ${result.pushed} readings of ${source} to ${host} in ${result.batches} request${result.batches === 1 ? '' : 's'} (newest: ${newest})`
  process.stdout.write(`${new Date().toISOString()} ${line}\n`)
}

function note(message: string): void {
  process.stderr.write(`glucoshare: ${message}\n`)
}
