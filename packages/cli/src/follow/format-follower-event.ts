/**
How `glucoshare follow --stream` prints live events: one line each, or one JSON object per line
(NDJSON) with `--json`.
@module
*/
import type { AlertNoticeEvent, ReadingEvent } from '@glucoshare/sdk'
import { formatLocalTime, rangeLabel, toReadingOutput } from '../format-reading.js'

/** One printed line (without its line feed) for a reading. */
export function formatReadingEvent(
  event: ReadingEvent,
  publisher: string,
  json: boolean,
  now: number,
  staleMinutes: number,
): string {
  const output = toReadingOutput(event.reading, now, staleMinutes)
  if (json) {
    return JSON.stringify({
      type: 'reading',
      subscriptionId: event.subscriptionId,
      publisher,
      ...output,
    })
  }
  const { reading } = event
  const range = rangeLabel(reading)
  const value = range ? `${range} (${reading.mgDl})` : String(reading.mgDl)
  const trend = [reading.trendArrow, reading.trendDirection].filter(Boolean).join(' ')
  return `${formatLocalTime(reading.date)}  ${publisher}  ${value} mg/dL  ${reading.mmolL.toFixed(1)} mmol/L  ${trend}`.trimEnd()
}

/** One printed line (without its line feed) for an alert event. */
export function formatAlertEvent(event: AlertNoticeEvent, json: boolean): string {
  const { alert } = event
  if (json) {
    return JSON.stringify({
      type: 'alert',
      subscriptionId: event.subscriptionId,
      publisher: event.publisher,
      eventId: alert.eventId,
      kind: alert.kind,
      event: alert.type,
      at: alert.at.toISOString(),
      ...(alert.valueMgDl !== undefined ? { mgDl: alert.valueMgDl } : {}),
      ...(alert.thresholdMgDl !== undefined ? { thresholdMgDl: alert.thresholdMgDl } : {}),
    })
  }
  const details = [
    alert.valueMgDl !== undefined ? `${alert.valueMgDl} mg/dL` : '',
    alert.thresholdMgDl !== undefined ? `threshold ${alert.thresholdMgDl}` : '',
    alert.reason ?? '',
  ].filter(Boolean)
  const tail = details.length > 0 ? ` (${details.join(', ')})` : ''
  return `${formatLocalTime(alert.at)}  ${event.publisher}  ALERT ${alert.kind} ${alert.type}${tail}`
}
