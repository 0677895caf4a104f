import { DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import type { DatasetInfo } from './dataset.js'
import { Uploads, type UploadTimeline } from './scenarios.js'

const HEADERS = { 'content-type': 'application/json' }

/**
Checks, before measuring, that the server answers what the loads expect: a one-reading and a
full-day read of a generated account, and an accepted upload. A benchmark of error responses
would be meaningless.
*/
export async function preflight(
  url: string,
  info: DatasetInfo,
  timeline: UploadTimeline,
): Promise<void> {
  const account = info.accounts[0]
  if (!account) throw new Error(`${info.location} has no accounts`)
  for (const [maxCount, atLeast] of [
    [1, 1],
    [288, 280],
  ] as const) {
    const response = await fetch(
      `${url}${DEXCOM_SERVICES_PATH}/Publisher/ReadPublisherLatestGlucoseValues?sessionId=${account.sessionId}&minutes=1440&maxCount=${maxCount}`,
      { method: 'POST', headers: HEADERS, body: '{}' },
    )
    const body = (await response.json()) as unknown
    if (!response.ok || !Array.isArray(body) || body.length < atLeast || body.length > maxCount) {
      throw new Error(
        `${info.store} ${info.size}: reading ${maxCount} answered ${response.status} ${JSON.stringify(body).slice(0, 200)}`,
      )
    }
  }
  const upload = new Uploads(info.accounts, 1, timeline).next()
  const response = await fetch(`${url}${upload.path}`, {
    method: 'POST',
    headers: HEADERS,
    body: upload.body,
  })
  const text = await response.text()
  if (response.status !== 200 || text !== '') {
    throw new Error(`${info.store} ${info.size}: upload answered ${response.status} ${text}`)
  }
}
