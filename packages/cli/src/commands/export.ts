import { defineCommand } from 'citty'
import { ArchiveStore, type ArchivedReading } from '../archive/archive-store.js'
import { CLIError, EXIT } from '../cli-error.js'
import { EXPORT_FORMATS, exportChunks, type ExportFormat } from '../export/export-chunks.js'
import { LIVE_WINDOW_MS, readLiveReadings } from '../export/live-readings.js'
import {
  PROGRESS_MIN_TOTAL,
  progressWanted,
  startProgress,
  type Progress,
} from '../export/progress-bar.js'
import { writeOutput } from '../export/write-output.js'
import { withShareClient } from '../open-share-client.js'
import { archivePathOf, archiveReadArgs, timeArg } from './_archive-args.js'
import { shareArgs } from './_shared.js'

export default defineCommand({
  meta: {
    name: 'export',
    description:
      'Write readings from the archive (or, with --live, a Share account) as CSV, JSON or NDJSON, oldest first',
  },
  args: {
    from: {
      type: 'string',
      description:
        'Start, inclusive: 2026-11-01, 2026-11-01T08:00, 2026-11-01T08:00Z, -7d, 24h, now (default: the beginning)',
      valueHint: 'time',
    },
    to: {
      type: 'string',
      description: 'End, exclusive, in the same forms (default: no end)',
      valueHint: 'time',
    },
    format: {
      type: 'string',
      description: 'csv (default), json (one array) or ndjson (one object per line)',
      valueHint: 'csv|json|ndjson',
    },
    output: {
      type: 'string',
      alias: ['o'],
      description: 'Write to this file instead of standard output',
      valueHint: 'file',
    },
    'excel-eu': {
      type: 'boolean',
      description: 'CSV with ; between fields and decimal commas, for European Excel',
      default: false,
    },
    bom: {
      type: 'boolean',
      description: 'Start CSV with a UTF-8 byte order mark, so Excel shows the arrows',
      negativeDescription: 'CSV without the UTF-8 byte order mark',
      default: true,
    },
    live: {
      type: 'boolean',
      description:
        'Read the Share account (--username…) instead of the archive: the last 24 hours at most (288 readings)',
      default: false,
    },
    ...archiveReadArgs,
    ...shareArgs,
  },
  async run({ args }) {
    const now = Date.now()
    const from = timeArg('--from', args.from, now)
    const to = timeArg('--to', args.to, now)
    if (from !== undefined && to !== undefined && from >= to) {
      throw new CLIError('--from must be before --to', EXIT.usage)
    }
    const format = formatOf(args.format)
    if (args['excel-eu'] && format !== 'csv') {
      throw new CLIError('--excel-eu applies to --format csv only', EXIT.usage)
    }
    const output = args.output?.trim() ? args.output : undefined
    const chunkOptions = { format, excelEu: args['excel-eu'], bom: args.bom }
    let written: number
    if (args.live) {
      if ((from ?? 0) < now - LIVE_WINDOW_MS) {
        process.stderr.write(
          "glucoshare: note: a live export reaches back 24 hours at most (288 readings); run 'glucoshare archive' to keep a longer history\n",
        )
      }
      const readings = await withShareClient(args, ({ client, account }) =>
        readLiveReadings(client, args.source?.trim() || account, { from, to, now }),
      )
      await writeOutput(exportChunks(readings, chunkOptions), output)
      written = readings.length
    } else {
      written = await exportArchive(archivePathOf(args.archive), {
        query: { source: args.source?.trim() || undefined, from, to },
        chunkOptions,
        output,
      })
    }
    if (written === 0) {
      process.stderr.write('glucoshare: no readings in that range\n')
    } else if (output !== undefined) {
      process.stderr.write(`glucoshare: wrote ${written} readings to ${output}\n`)
    }
  },
})

function formatOf(value: string | undefined): ExportFormat {
  const format = (value?.trim() || 'csv').toLowerCase()
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new CLIError(`--format must be csv, json or ndjson; got "${value}"`, EXIT.usage)
  }
  return format as ExportFormat
}

async function exportArchive(
  path: string,
  {
    query,
    chunkOptions,
    output,
  }: {
    query: { source: string | undefined; from: number | undefined; to: number | undefined }
    chunkOptions: { format: ExportFormat; excelEu: boolean; bom: boolean }
    output: string | undefined
  },
): Promise<number> {
  const store = ArchiveStore.open(path, { readonly: true })
  let progress: Progress | undefined
  let written = 0
  try {
    const { source, from, to } = query
    if (source !== undefined && !store.sources().includes(source)) {
      const known = store.sources()
      throw new CLIError(
        `the archive ${path} has no source "${source}"; ${known.length ? `its sources: ${known.join(', ')}` : 'it is empty'}`,
        EXIT.usage,
      )
    }
    const filter = {
      ...(source !== undefined ? { source } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
    }
    if (progressWanted(output !== undefined)) {
      const total = store.count(filter)
      if (total >= PROGRESS_MIN_TOTAL) progress = startProgress(total)
    }
    const readings: Iterable<ArchivedReading> = store.range({ ...filter, order: 'asc' })
    await writeOutput(
      exportChunks(readings, {
        ...chunkOptions,
        onProgress: (count) => {
          written = count
          progress?.update(count)
        },
      }),
      output,
    )
    return written
  } finally {
    progress?.stop()
    store.close()
  }
}
