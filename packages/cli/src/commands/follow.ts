import { defineCommand } from 'citty'
import type { FollowerSubscription, GlucoseReading, ShareFollowerClient } from '@glucoshare/sdk'
import { CLIError, EXIT } from '../cli-error.js'
import {
  formatAge,
  formatLocalTime,
  rangeLabel,
  toReadingOutput,
  type ReadingOutput,
} from '../format-reading.js'
import { followStream } from '../follow/follow-stream.js'
import { withFollowerClient } from '../open-follower-client.js'
import { printTable } from '../print-table.js'
import { DEFAULT_STALE_MINUTES, integerArg, jsonArgs, staleArgs } from './_shared.js'
import { followerArgs } from './_follower-args.js'

/** Subscription ids per `ReadLastGlucoseFromSubscriptions` request: the server's limit. */
const BATCH = 50

export default defineCommand({
  meta: {
    name: 'follow',
    description:
      'As a follower: the newest reading and sounding alerts of each publisher you follow, or live events with --stream (exit 3 when there is no reading)',
  },
  args: {
    ...followerArgs,
    stream: {
      type: 'boolean',
      description: 'Print live readings and alerts as they arrive, until Ctrl-C',
      default: false,
    },
    ...staleArgs,
    ...jsonArgs,
  },
  async run({ args }) {
    const staleMinutes = integerArg('--stale-minutes', args['stale-minutes'], {
      min: 1,
      max: 1440,
      fallback: DEFAULT_STALE_MINUTES,
    })
    if (args.stream) {
      const stop = new AbortController()
      const onSignal = () => stop.abort()
      process.once('SIGINT', onSignal)
      process.once('SIGTERM', onSignal)
      try {
        await withFollowerClient(args, ({ client, host }) =>
          followStream({ client, host, json: args.json, staleMinutes, signal: stop.signal }),
        )
      } finally {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
      }
      return
    }
    const now = Date.now()
    const rows = await withFollowerClient(args, ({ client }) => snapshot(client))
    if (rows.length === 0) {
      throw new CLIError(
        'you follow no one yet: accept an invitation with glucoshare invitations accept <invitationId>',
        EXIT.noData,
      )
    }
    const output = rows.map((row) => ({
      subscriptionId: row.subscription.subscriptionId,
      publisher: row.subscription.displayName,
      sharing: row.subscription.isEnabled,
      history: row.subscription.permissions !== 0,
      alerts: row.alerts,
      reading: row.reading ? toReadingOutput(row.reading, now, staleMinutes) : null,
    }))
    if (args.json) process.stdout.write(`${JSON.stringify(output, null, 2)}\n`)
    else
      printTable(
        output.map((o, i) => tableRow(rows[i]!, o.reading)),
        COLUMNS,
      )
    if (output.every((o) => o.reading === null)) {
      process.stderr.write('glucoshare: no reading in the last 24 hours\n')
      process.exitCode = EXIT.noData
    }
  },
})

interface SnapshotRow {
  readonly subscription: FollowerSubscription
  readonly reading: GlucoseReading | undefined
  /** Sounding alerts: `urgentLow`, or `urgentLow (silenced)`. */
  readonly alerts: string[]
}

async function snapshot(client: ShareFollowerClient): Promise<SnapshotRow[]> {
  const subscriptions = await client.listSubscriptions()
  const readings = new Map<string, GlucoseReading | undefined>()
  for (let i = 0; i < subscriptions.length; i += BATCH) {
    const ids = subscriptions.slice(i, i + BATCH).map((s) => s.subscriptionId)
    for (const { subscriptionId, reading } of await client.getLatestGlucoseReadings(ids)) {
      readings.set(subscriptionId, reading)
    }
  }
  const rows: SnapshotRow[] = []
  for (const subscription of subscriptions) {
    const { current } = await client.getAlertEvents(subscription.subscriptionId, { minutes: 0 })
    rows.push({
      subscription,
      reading: readings.get(subscription.subscriptionId),
      alerts: current.map((a) => (a.silenced ? `${a.kind} (silenced)` : a.kind)),
    })
  }
  return rows
}

const COLUMNS = ['publisher', 'mg/dL', 'mmol/L', 'trend', 'time', 'age', 'stale', 'alerts'] as const
type Column = (typeof COLUMNS)[number]

function tableRow(row: SnapshotRow, output: ReadingOutput | null): Record<Column, string> {
  const { subscription, reading, alerts } = row
  const base = { publisher: subscription.displayName, alerts: alerts.join(', ') }
  if (!reading || !output) {
    const note = subscription.isEnabled ? 'no reading in 24 h' : 'paused by the publisher'
    return { ...base, 'mg/dL': note, 'mmol/L': '', trend: '', time: '', age: '', stale: '' }
  }
  const range = rangeLabel(reading)
  return {
    ...base,
    'mg/dL': range ? `${range} (${reading.mgDl})` : String(reading.mgDl),
    'mmol/L': reading.mmolL.toFixed(1),
    trend: [reading.trendArrow, reading.trendDirection].filter(Boolean).join(' '),
    time: formatLocalTime(reading.date),
    age: formatAge(output.ageSeconds),
    stale: output.stale ? 'YES' : 'no',
  }
}
