/**
Turns readings into the text of an export, chunk by chunk, so that a 10-million-reading archive
streams through in constant memory.
@module
*/
import { stringify } from 'csv-stringify/sync'
import type { ArchivedReading } from '../archive/archive-store.js'
import { CSV_COLUMNS, toCsvRow, toExportRecord } from './export-record.js'

/** The export formats. */
export const EXPORT_FORMATS = ['csv', 'json', 'ndjson'] as const

/** One of {@link EXPORT_FORMATS}. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

/** How {@link exportChunks} writes. */
export interface ExportChunkOptions {
  readonly format: ExportFormat
  /** CSV only: `;` between fields and decimal commas. @default false */
  readonly excelEu?: boolean
  /** CSV only: start with a UTF-8 byte order mark, so Excel reads the arrows as UTF-8. @default true */
  readonly bom?: boolean
  /** CSV only: write the header row. @default true */
  readonly header?: boolean
  /** Called after each chunk with the number of readings written so far. */
  readonly onProgress?: (written: number) => void
}

// Readings per chunk: large enough that per-chunk costs vanish, small enough for backpressure.
const CHUNK_READINGS = 2000

/** The export text of `readings`, in chunks; nothing is read from `readings` before it is needed. */
export function* exportChunks(
  readings: Iterable<ArchivedReading>,
  options: ExportChunkOptions,
): Generator<string, void, undefined> {
  const format = chunkWriter(options)
  let written = 0
  let batch: ArchivedReading[] = []
  let first = true
  yield format.start
  for (const reading of readings) {
    batch.push(reading)
    if (batch.length < CHUNK_READINGS) continue
    yield format.chunk(batch, first)
    written += batch.length
    options.onProgress?.(written)
    batch = []
    first = false
  }
  if (batch.length > 0) {
    yield format.chunk(batch, first)
    written += batch.length
    options.onProgress?.(written)
    first = false
  }
  yield format.end(first)
}

interface ChunkWriter {
  readonly start: string
  chunk(batch: readonly ArchivedReading[], first: boolean): string
  end(empty: boolean): string
}

function chunkWriter(options: ExportChunkOptions): ChunkWriter {
  switch (options.format) {
    case 'csv': {
      const excelEu = options.excelEu === true
      const settings = { delimiter: excelEu ? ';' : ',', eof: true } as const
      const header = options.header !== false ? stringify([[...CSV_COLUMNS]], settings) : ''
      return {
        start: `${options.bom !== false ? '\uFEFF' : ''}${header}`,
        chunk: (batch) =>
          stringify(
            batch.map((reading) => toCsvRow(toExportRecord(reading), excelEu)),
            settings,
          ),
        end: () => '',
      }
    }
    case 'json':
      return {
        start: '[',
        chunk: (batch, first) =>
          `${first ? '\n' : ',\n'}${batch.map((r) => JSON.stringify(toExportRecord(r))).join(',\n')}`,
        end: (empty) => (empty ? ']\n' : '\n]\n'),
      }
    case 'ndjson':
      return {
        start: '',
        chunk: (batch) => batch.map((r) => `${JSON.stringify(toExportRecord(r))}\n`).join(''),
        end: () => '',
      }
  }
}
