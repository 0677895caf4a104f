import { defineCommand } from 'citty'
import { CLIError, EXIT } from '../cli-error.js'
import { formatAge, formatLocalTime, rangeLabel, toReadingOutput } from '../format-reading.js'
import { withShareClient } from '../open-share-client.js'
import { DEFAULT_STALE_MINUTES, integerArg, jsonArgs, shareArgs, staleArgs } from './_shared.js'

export default defineCommand({
  meta: {
    name: 'latest',
    description:
      'Print the newest reading of the last 24 hours, with its age (exit 3 when there is none)',
  },
  args: { ...shareArgs, ...staleArgs, ...jsonArgs },
  async run({ args }) {
    const staleMinutes = integerArg('--stale-minutes', args['stale-minutes'], {
      min: 1,
      max: 1440,
      fallback: DEFAULT_STALE_MINUTES,
    })
    const reading = await withShareClient(args, ({ client }) => client.getLatestGlucoseReading())
    if (!reading) throw new CLIError('no reading in the last 24 hours', EXIT.noData)
    const output = toReadingOutput(reading, Date.now(), staleMinutes)
    if (args.json) {
      process.stdout.write(`${JSON.stringify(output)}\n`)
      return
    }
    const trend = [
      reading.trendArrow,
      reading.trendDirection,
      reading.trendDescription && `(${reading.trendDescription})`,
    ]
      .filter(Boolean)
      .join(' ')
    const range = rangeLabel(reading)
    const note = range === 'LOW' ? ' (LOW: below the sensor range)' : ''
    const lines: [string, string][] = [
      ['mg/dL', `${output.mgDl}${range === 'HIGH' ? ' (HIGH: above the sensor range)' : note}`],
      ['mmol/L', output.mmolL.toFixed(1)],
      ['trend', trend],
      ['time UTC', output.readingTime],
      ['time local', formatLocalTime(reading.date)],
      ['age', formatAge(output.ageSeconds)],
      [
        'stale',
        output.stale
          ? `YES: older than ${staleMinutes} min`
          : `no (stale after ${staleMinutes} min)`,
      ],
    ]
    process.stdout.write(lines.map(([name, value]) => `${name.padEnd(10)}  ${value}\n`).join(''))
  },
})
