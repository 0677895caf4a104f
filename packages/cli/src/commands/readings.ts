import { defineCommand } from 'citty'
import { MAX_MAX_COUNT, MAX_MINUTES } from '@glucoshare/sdk'
import { CLIError, EXIT } from '../cli-error.js'
import { formatAge, formatLocalTime, rangeLabel, toReadingOutput } from '../format-reading.js'
import { withShareClient } from '../open-share-client.js'
import { printTable } from '../print-table.js'
import { DEFAULT_STALE_MINUTES, integerArg, jsonArgs, shareArgs, staleArgs } from './_shared.js'

export default defineCommand({
  meta: {
    name: 'readings',
    description:
      'Print the readings of the last minutes, newest first, with their ages (exit 3 when there are none)',
  },
  args: {
    minutes: {
      type: 'string',
      description: `How far back to read, 1-${MAX_MINUTES} minutes (default ${MAX_MINUTES}: 24 hours)`,
      valueHint: 'n',
    },
    count: {
      type: 'string',
      description: `Most readings to print, 1-${MAX_MAX_COUNT} (default ${MAX_MAX_COUNT})`,
      valueHint: 'n',
    },
    ...shareArgs,
    ...staleArgs,
    ...jsonArgs,
  },
  async run({ args }) {
    const minutes = integerArg('--minutes', args.minutes, {
      min: 1,
      max: MAX_MINUTES,
      fallback: MAX_MINUTES,
    })
    const count = integerArg('--count', args.count, {
      min: 1,
      max: MAX_MAX_COUNT,
      fallback: MAX_MAX_COUNT,
    })
    const staleMinutes = integerArg('--stale-minutes', args['stale-minutes'], {
      min: 1,
      max: 1440,
      fallback: DEFAULT_STALE_MINUTES,
    })
    const readings = await withShareClient(args, ({ client }) =>
      client.getGlucoseReadings({ minutes, maxCount: count }),
    )
    const now = Date.now()
    // Share caps the count itself, but a server that ignores maxCount must not flood the output.
    const shown = readings.slice(0, count)
    const outputs = shown.map((reading) => ({
      reading,
      output: toReadingOutput(reading, now, staleMinutes),
    }))
    if (args.json) {
      process.stdout.write(
        `${JSON.stringify(
          outputs.map(({ output }) => output),
          null,
          2,
        )}\n`,
      )
    }
    if (shown.length === 0) {
      throw new CLIError(`no reading in the last ${minutes} minutes`, EXIT.noData)
    }
    if (args.json) return
    const rows = outputs.map(({ reading, output }) => ({
      'time local': formatLocalTime(reading.date),
      'time UTC': output.readingTime,
      'mg/dL': [output.mgDl, rangeLabel(reading)].filter(Boolean).join(' '),
      'mmol/L': output.mmolL.toFixed(1),
      arrow: output.trendArrow,
      trend: output.trendDirection,
      age: formatAge(output.ageSeconds),
      stale: output.stale ? 'yes' : 'no',
    }))
    printTable(rows, [
      'time local',
      'time UTC',
      'mg/dL',
      'mmol/L',
      'arrow',
      'trend',
      'age',
      'stale',
    ])
  },
})
