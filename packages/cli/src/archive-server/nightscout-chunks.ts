import { stringify } from 'csv-stringify/sync'
import type { ArchivedReading } from '../archive/archive-store.js'
import { toServedNightscoutEntry } from '../nightscout/nightscout-entry.js'

/** The formats of Nightscout's entries endpoints (`.json`, `.csv`, `.tsv`, `.txt`). */
export type NightscoutFormat = 'json' | 'csv' | 'tsv' | 'txt'

const CHUNK_READINGS = 1000

/**
Entries as Nightscout API v1 answers them: a JSON array, or for the text formats Nightscout's
five fields without a header row, `dateString, date, sgv, direction, device` (comma-separated
for `.csv`, tab-separated for `.tsv` and `.txt`).
*/
export function* nightscoutChunks(
  readings: Iterable<ArchivedReading>,
  format: NightscoutFormat,
): Generator<string, void, undefined> {
  let batch: ArchivedReading[] = []
  let first = true
  if (format === 'json') yield '['
  const flush = () => {
    const text = format === 'json' ? jsonText(batch, first) : textRows(batch, format)
    batch = []
    first = false
    return text
  }
  for (const reading of readings) {
    batch.push(reading)
    if (batch.length >= CHUNK_READINGS) yield flush()
  }
  if (batch.length > 0) yield flush()
  if (format === 'json') yield ']\n'
}

function jsonText(batch: readonly ArchivedReading[], first: boolean): string {
  const text = batch.map((reading) => JSON.stringify(toServedNightscoutEntry(reading))).join(',')
  return first ? text : `,${text}`
}

function textRows(batch: readonly ArchivedReading[], format: 'csv' | 'tsv' | 'txt'): string {
  return stringify(
    batch.map((reading) => {
      const entry = toServedNightscoutEntry(reading)
      return [entry.dateString, entry.date, entry.sgv, entry.direction, entry.device]
    }),
    { delimiter: format === 'csv' ? ',' : '\t', quoted_string: true, eof: true },
  )
}
