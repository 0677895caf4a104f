import { describe, expect, it } from 'vitest'
import {
  GlucoseReading,
  NetworkError,
  ArgumentError,
  parseAlertNotice,
  type FollowerEvent,
  type FollowerSubscription,
  type ShareFollowerClient,
} from '@glucoshare/sdk'
import { followStream } from './follow-stream.js'

const SUBSCRIPTION = '3f2504e0-4f89-41d3-9a0c-0305e82c3301'
const AT = Date.UTC(2026, 0, 5, 10, 0, 0)

const reading = new GlucoseReading({
  WT: `Date(${AT})`,
  ST: `Date(${AT})`,
  DT: `Date(${AT}+0000)`,
  Value: 64,
  Trend: 'FortyFiveDown',
})
const alert = parseAlertNotice({
  id: 'e1',
  type: 'alert.fired',
  subscriptionId: SUBSCRIPTION,
  publisher: 'Sam',
  alert: { kind: 'low', type: 'fired', at: AT, value: 64, threshold: 70 },
})

/** A client whose streams play the given scripts in turn: events, then an end or an error. */
function fakeClient(scripts: { events: FollowerEvent[]; error?: Error }[]): ShareFollowerClient {
  let opened = 0
  return {
    listSubscriptions: async () =>
      [{ subscriptionId: SUBSCRIPTION, displayName: 'Sam' }] as FollowerSubscription[],
    async *streamEvents() {
      const script = scripts[opened++]
      if (!script)
        throw new ArgumentError('stop here (InvalidArgument)', {
          code: 'InvalidArgument',
          operation: 'StreamEvents',
        })
      yield* script.events
      if (script.error) throw script.error
    },
  } as unknown as ShareFollowerClient
}

async function run(scripts: { events: FollowerEvent[]; error?: Error }[], json: boolean) {
  const out: string[] = []
  const err: string[] = []
  const pauses: number[] = []
  const error = await followStream({
    client: fakeClient(scripts),
    host: 'share.example.org',
    json,
    staleMinutes: 15,
    signal: new AbortController().signal,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    pause: async (ms) => void pauses.push(ms),
  }).catch((e: unknown) => e)
  return { out, err, pauses, error }
}

describe('followStream', () => {
  it('prints readings and alerts, and reconnects with growing pauses until a refusal', async () => {
    const ready: FollowerEvent = { type: 'ready' }
    const { out, err, pauses, error } = await run(
      [
        { events: [ready, { type: 'reading', subscriptionId: SUBSCRIPTION, reading }, alert] },
        { events: [], error: new NetworkError('x', { code: 'StreamBroken', operation: 'S' }) },
        { events: [ready] },
      ],
      false,
    )
    expect(out[0]).toMatch(/ {2}Sam {2}64 mg\/dL {2}3\.6 mmol\/L {2}↘ FortyFiveDown$/)
    expect(out[1]).toMatch(/ {2}Sam {2}ALERT low fired \(64 mg\/dL, threshold 70\)$/)
    expect(err).toEqual([
      'following 1 publisher on share.example.org; waiting for readings and alerts (Ctrl-C to stop)',
      'the server closed the stream; reconnecting in 1 s (glucoshare follow shows the alerts sounding now)',
      'the stream failed (StreamBroken); reconnecting in 2 s (glucoshare follow shows the alerts sounding now)',
      'following 1 publisher on share.example.org; waiting for readings and alerts (Ctrl-C to stop)',
      'the server closed the stream; reconnecting in 1 s (glucoshare follow shows the alerts sounding now)',
    ])
    expect(pauses).toEqual([1000, 2000, 1000])
    expect((error as { code?: string }).code).toBe('InvalidArgument')
  })

  it('prints one JSON object per line with --json', async () => {
    const { out } = await run(
      [{ events: [{ type: 'reading', subscriptionId: SUBSCRIPTION, reading }, alert] }],
      true,
    )
    expect(JSON.parse(out[0]!)).toMatchObject({
      type: 'reading',
      subscriptionId: SUBSCRIPTION,
      publisher: 'Sam',
      mgDl: 64,
      readingTime: new Date(AT).toISOString(),
    })
    expect(JSON.parse(out[1]!)).toEqual({
      type: 'alert',
      subscriptionId: SUBSCRIPTION,
      publisher: 'Sam',
      eventId: 'e1',
      kind: 'low',
      event: 'fired',
      at: new Date(AT).toISOString(),
      mgDl: 64,
      thresholdMgDl: 70,
    })
  })
})
