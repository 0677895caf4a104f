/**
The follower path end to end over real sockets: a publisher invites, the follower accepts, the
publisher uploads a falling trace, and the follower's live stream and a local webhook receiver
each get the urgent-low alert exactly once, then its re-alarm after RealarmDelay. The server's
clock is injected so that the 30 minutes pass at once.
*/
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import { startTestServer, egvBody, type TestServer } from '../../src/test-support.js'
import { backgroundOf } from '../../src/app.js'
import { verifyWebhookSignature } from '../../src/webhooks/sign-webhook.js'

const MINUTE = 60_000

interface Received {
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

/** A webhook receiver on a real socket that keeps what it was sent. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hooks/glucose`, received, server }
}

/** Reads Server-Sent Events from a fetch body as they arrive. */
class SseReader {
  readonly events: { event: string; id?: string; data: string }[] = []
  #buffer = ''
  readonly #done: Promise<void>

  constructor(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder()
    this.#done = (async () => {
      const reader = body.getReader()
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
        if (done) return
        this.#buffer += decoder.decode(value, { stream: true })
        let end: number
        while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
          const frame = this.#buffer.slice(0, end)
          this.#buffer = this.#buffer.slice(end + 2)
          const fields = new Map<string, string>()
          for (const line of frame.split('\n')) {
            const colon = line.indexOf(':')
            if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart())
          }
          if (fields.has('event')) {
            this.events.push({
              event: fields.get('event')!,
              ...(fields.has('id') ? { id: fields.get('id')! } : {}),
              data: fields.get('data') ?? '',
            })
          }
        }
      }
    })()
  }

  /** Waits until `count` events named `event` have arrived. */
  async waitFor(event: string, count: number): Promise<void> {
    for (let i = 0; i < 400; i += 1) {
      if (this.events.filter((e) => e.event === event).length >= count) return
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    throw new Error(`no ${count} ${event} event(s); got ${JSON.stringify(this.events)}`)
  }

  done(): Promise<void> {
    return this.#done
  }
}

describe('follower alerts over real sockets', () => {
  let server: TestServer
  let base: string
  let receiver: Awaited<ReturnType<typeof startReceiver>>

  beforeAll(async () => {
    server = await startTestServer()
    await server.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = server.app.server.address() as AddressInfo
    base = `http://127.0.0.1:${port}${DEXCOM_SERVICES_PATH}`
    receiver = await startReceiver()
  })

  afterAll(async () => {
    await server.close()
    await new Promise((resolve) => receiver.server.close(resolve))
  })

  async function call(operation: string, query: Record<string, string>, body?: unknown) {
    const response = await fetch(`${base}/${operation}?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? '' : JSON.stringify(body),
    })
    const text = await response.text()
    if (response.status !== 200) throw new Error(`${operation}: ${response.status} ${text}`)
    return text === '' ? undefined : (JSON.parse(text) as unknown)
  }

  it('delivers the urgent low once to the stream and the webhook, then its re-alarm', async () => {
    // The publisher invites a follower with urgent low on (threshold 55, re-alarm every 30 min).
    const publisher = await server.uploader()
    const { account: followerAccount, password } = await server.addAccount({ kind: 'follower' })
    const pub = { sessionId: publisher.sessionId }
    const contactId = (await call('Publisher/CreateContact', {
      ...pub,
      contactName: 'Mum',
      emailAddress: 'mum@example.test',
    })) as string
    const subscriptionId = (await call(
      'Publisher/CreateSubscriptionInvitation',
      { ...pub, contactId },
      {
        AlertSettings: {
          FixedLowAlert: {
            IsEnabled: true,
            MaxValue: 55,
            AlarmDelay: 'PT0M',
            RealarmDelay: 'PT30M',
          },
        },
        Permissions: 1,
        DisplayName: 'Alex',
      },
    )) as string
    const invitationId = (await call('Publisher/ReadSubscriptionInviteId', {
      ...pub,
      subscriptionId,
    })) as string

    // The follower logs in, accepts, opens the live stream and registers a webhook.
    const followerSession = (await call(
      'General/LoginSubscriberAccount',
      {},
      {
        accountId: followerAccount.id,
        password,
        applicationId: 'd89443d2-327c-4a6f-89e5-496bbb0317db',
      },
    )) as string
    const follower = { sessionId: followerSession }
    expect(
      await call('Subscriber/AcceptSubscriptionInvitation', { ...follower, invitationId }),
    ).toBe(subscriptionId)
    const webhook = (await call('Subscriber/CreateWebhook', follower, { Url: receiver.url })) as {
      Secret: string
    }
    const abort = new AbortController()
    const stream = await fetch(`${base}/Subscriber/StreamEvents?sessionId=${followerSession}`, {
      signal: abort.signal,
    })
    expect(stream.status).toBe(200)
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const sse = new SseReader(stream.body!)
    await sse.waitFor('ready', 1)

    // A falling trace, one upload every 5 minutes: 110, 95, 80, 65, 54 (urgent low), 50, ...
    const trace = [110, 95, 80, 65, 54, 50, 48, 47, 46, 45, 44]
    const upload = async (value: number) => {
      await call(
        'Publisher/PostReceiverEgvRecords',
        { sessionId: publisher.sessionId },
        egvBody(publisher.serial, server.clock.now(), [{ minutesAgo: 0, value }]),
      )
      await backgroundOf(server.app).alerts.runDueChecks()
      await backgroundOf(server.app).webhooks.runDue()
    }
    for (const value of trace.slice(0, 5)) {
      await upload(value)
      server.clock.advance(5 * MINUTE)
    }
    await sse.waitFor('reading', 5)
    await sse.waitFor('alert', 1)

    // 25 more minutes of low readings: still only the one notification.
    for (const value of trace.slice(5, 10)) {
      await upload(value)
      server.clock.advance(5 * MINUTE)
    }
    // 30 minutes after it fired: the re-alarm.
    await upload(trace[10]!)
    await sse.waitFor('alert', 2)
    abort.abort()

    const alerts = sse.events
      .filter((e) => e.event === 'alert')
      .map(
        (e) =>
          JSON.parse(e.data) as {
            id: string
            type: string
            alert: { kind: string; value: number }
          },
      )
    expect(alerts.map((a) => [a.type, a.alert.kind, a.alert.value])).toEqual([
      ['alert.fired', 'urgentLow', 54],
      ['alert.realarm', 'urgentLow', 44],
    ])
    // The stream's event ids are the alert event ids.
    expect(sse.events.filter((e) => e.event === 'alert').map((e) => e.id)).toEqual(
      alerts.map((a) => a.id),
    )
    const readings = sse.events.filter((e) => e.event === 'reading')
    expect(readings).toHaveLength(trace.length)
    expect((JSON.parse(readings.at(-1)!.data) as { Egv: { Value: number } }).Egv.Value).toBe(44)

    // The webhook got the same two notifications, once each, signed.
    const notifications = receiver.received.filter((r) =>
      /^alert\.(fired|realarm)$/.test(String(r.headers['glucoshare-event-type'])),
    )
    expect(notifications.map((r) => JSON.parse(r.body) as { id: string })).toEqual(
      alerts.map((a) => expect.objectContaining({ id: a.id })),
    )
    for (const r of notifications) {
      expect(
        verifyWebhookSignature(
          webhook.Secret,
          String(r.headers['glucoshare-signature']),
          r.body,
          server.clock.now(),
          24 * 60 * 60,
        ),
      ).toBe(true)
    }

    // The follower's event list agrees.
    const events = (await call('Subscriber/ReadAlertEvents', { ...follower, subscriptionId })) as {
      Current: { Kind: string }[]
      Events: { Type: string; Kind: string }[]
    }
    expect(events.Current.map((c) => c.Kind)).toEqual(['urgentLow'])
    expect(
      events.Events.filter((e) => e.Type === 'fired' || e.Type === 'realarm').map((e) => e.Type),
    ).toEqual(['realarm', 'fired'])
    await sse.done()
  })
})
