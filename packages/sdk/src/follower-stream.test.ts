/**
The follower client over a real socket, with the global `fetch`: every method once, and the live
stream (`Subscriber/StreamEvents`) from a real glucoshare server.
*/
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { startTestServer, type TestServer } from '../../server/src/test-support.js'
import { backgroundOf } from '../../server/src/app.js'
import type { ServerConfig } from '../../server/src/config.js'
import type { Account } from '../../server/src/store/store.js'
import { EventStreamParser } from './_event-stream.js'
import { AccountError, ServerError, isShareError } from './errors.js'
import type { FollowerEvent } from './follower-event.js'
import { parseAlertNotice } from './follower-event.js'
import { ShareFollowerClient } from './follower-client.js'
import type { ShareFollowerClientOptions } from './follower-options.js'
import {
  FOLLOWER_PASSWORD,
  MINUTE,
  invite,
  rejection,
  upload,
  type Invitation,
} from './test-follower-fixture.js'

const running: TestServer[] = []

afterEach(async () => {
  for (const started of running.splice(0)) {
    await started.close()
  }
})

/** A test server listening on a free port of 127.0.0.1, and its base URL. */
async function listening(config?: ServerConfig): Promise<{ server: TestServer; base: string }> {
  const server = await startTestServer(config ? { config } : {})
  running.push(server)
  await server.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = server.app.server.address() as AddressInfo
  return { server, base: `http://127.0.0.1:${port}` }
}

function client(
  base: string,
  follower: Account,
  options: Partial<ShareFollowerClientOptions> = {},
): ShareFollowerClient {
  return new ShareFollowerClient({
    baseUrl: base,
    accountId: follower.id,
    password: FOLLOWER_PASSWORD,
    ...options,
  })
}

/** A `fetch` over the network that records the operations it was asked for. */
function recordingFetch(operations: string[]): typeof fetch {
  return (input, init) => {
    const url = new URL(String(input))
    operations.push(url.pathname.slice(url.pathname.lastIndexOf('/') + 1))
    return fetch(input, init)
  }
}

const urgentLowNow = {
  FixedLowAlert: { IsEnabled: true, MaxValue: 55, AlarmDelay: 'PT0M', RealarmDelay: 'PT30M' },
}

/** The next event of an open stream; fails the test instead of hanging when none comes. */
async function next(events: AsyncIterator<FollowerEvent>): Promise<FollowerEvent> {
  const result = await Promise.race([
    events.next(),
    new Promise<never>((_resolve, reject) =>
      setTimeout(() => reject(new Error('no event arrived')), 10_000).unref(),
    ),
  ])
  if (result.done) throw new Error('the stream ended')
  return result.value
}

describe('ShareFollowerClient over a real socket', () => {
  it('runs every method against a listening server with the global fetch', async () => {
    const { server, base } = await listening()
    const invitation = await invite(server, { alertSettings: urgentLowNow })
    const share = client(base, invitation.follower)
    const { subscriptionId } = invitation

    expect(await share.acceptInvitation(invitation.invitationId)).toBe(subscriptionId)
    expect((await share.listSubscriptions()).map((s) => s.subscriptionId)).toEqual([subscriptionId])
    await upload(server, invitation, [
      { minutesAgo: 5, value: 61, trend: 5 },
      { minutesAgo: 0, value: 52, trend: 6 },
    ])
    expect((await share.getGlucoseReadings(subscriptionId)).map((r) => r.mgDl)).toEqual([52, 61])
    expect((await share.getLatestGlucoseReading(subscriptionId))?.trendDirection).toBe('SingleDown')
    const [latest] = await share.getLatestGlucoseReadings([subscriptionId])
    expect(latest?.reading?.mgDl).toBe(52)

    const settings = await share.getAlertSettings(subscriptionId)
    expect(settings.alerts.urgentLow.enabled).toBe(true)
    const changed = await share.updateAlertSettings(subscriptionId, { low: { enabled: true } })
    expect(changed.alerts.low.enabled).toBe(true)

    const alerts = await share.getAlertEvents(subscriptionId)
    expect(alerts.current.map((a) => a.kind)).toContain('urgentLow')
    await share.acknowledgeAlert(subscriptionId, 'urgentLow')
    const webhook = await share.createWebhook('http://127.0.0.1:9/hook')
    expect((await share.listWebhooks()).map((w) => w.webhookId)).toEqual([webhook.webhookId])
    await share.deleteWebhook(webhook.webhookId)
    expect(await share.listWebhooks()).toEqual([])
  })
})

describe('ShareFollowerClient.streamEvents', () => {
  async function followed(
    config?: ServerConfig,
  ): Promise<{ server: TestServer; base: string; invitation: Invitation }> {
    const { server, base } = await listening(config)
    const invitation = await invite(server, { alertSettings: urgentLowNow })
    await client(base, invitation.follower).acceptInvitation(invitation.invitationId)
    return { server, base, invitation }
  }

  it('opens with ready, then yields a reading and an alert after an upload', async () => {
    const { server, base, invitation } = await followed()
    const share = client(base, invitation.follower)
    const events = share.streamEvents()[Symbol.asyncIterator]()
    expect(await next(events)).toEqual({ type: 'ready' })

    await upload(server, invitation, [{ minutesAgo: 0, value: 50, trend: 7 }])
    const reading = await next(events)
    expect(reading.type).toBe('reading')
    if (reading.type !== 'reading') return
    expect(reading.subscriptionId).toBe(invitation.subscriptionId)
    expect(reading.reading.mgDl).toBe(50)
    expect(reading.reading.trendDirection).toBe('DoubleDown')
    expect(reading.reading.date.getTime()).toBe(server.clock.now())

    const alert = await next(events)
    expect(alert.type).toBe('alert')
    if (alert.type !== 'alert') return
    expect(alert.subscriptionId).toBe(invitation.subscriptionId)
    expect(alert.publisher).toMatch(/^Publisher /)
    expect(alert.alert).toMatchObject({ kind: 'urgentLow', type: 'fired', valueMgDl: 50 })
    const stored = await share.getAlertEvents(invitation.subscriptionId)
    expect(alert.alert.eventId).toBe(stored.events[0]!.eventId)

    // Leaving the loop closes the connection: the server drops the stream.
    await events.return?.()
    const { streams } = backgroundOf(server.app)
    await vi.waitFor(() => expect(streams.size).toBe(0), { timeout: 5000 })
  })

  it('ends the iteration quietly when the signal aborts, and yields nothing once aborted', async () => {
    const { base, invitation, server } = await followed()
    const controller = new AbortController()
    const seen: string[] = []
    const share = client(base, invitation.follower)
    for await (const event of share.streamEvents({ signal: controller.signal })) {
      seen.push(event.type)
      controller.abort()
    }
    expect(seen).toEqual(['ready'])
    const { streams } = backgroundOf(server.app)
    await vi.waitFor(() => expect(streams.size).toBe(0), { timeout: 5000 })
    for await (const event of share.streamEvents({ signal: controller.signal }))
      seen.push(event.type)
    expect(seen).toEqual(['ready'])
  })

  it('logs in again once when the session expired before the stream opens', async () => {
    const { server, base, invitation } = await followed({ sessionTtlMs: 60 * MINUTE })
    const operations: string[] = []
    const share = client(base, invitation.follower, { fetch: recordingFetch(operations) })
    await share.listSubscriptions()
    server.clock.advance(61 * MINUTE)
    const events = share.streamEvents()[Symbol.asyncIterator]()
    expect(await next(events)).toEqual({ type: 'ready' })
    expect(operations).toEqual([
      'LoginSubscriberAccount',
      'ListSubscriberAccountSubscriptions',
      'StreamEvents',
      'LoginSubscriberAccount',
      'StreamEvents',
    ])
    await events.return?.()
  })

  it('ends when the server stops', async () => {
    const { server, base, invitation } = await followed()
    const events = client(base, invitation.follower).streamEvents()[Symbol.asyncIterator]()
    expect(await next(events)).toEqual({ type: 'ready' })
    const closing = server.app.close()
    expect(await events.next()).toEqual({ done: true, value: undefined })
    await closing
  })

  it('throws the login error from the iterator, and refuses an answer that is not a stream', async () => {
    const { base, invitation } = await followed()
    const wrong = client(base, invitation.follower, { password: 'wrong-passphrase' })
    const refused = await rejection(wrong.streamEvents().next())
    expect(refused).toBeInstanceOf(AccountError)
    expect(refused.code).toBe('AccountPasswordInvalid')

    const html = client(base, invitation.follower, {
      fetch: (input, init) =>
        String(input).includes('/StreamEvents')
          ? Promise.resolve(
              new Response('<html></html>', { headers: { 'content-type': 'text/html' } }),
            )
          : fetch(input, init),
    })
    const invalid = await rejection(html.streamEvents().next())
    expect(invalid).toBeInstanceOf(ServerError)
    expect(invalid.code).toBe('InvalidResponse')
    expect(invalid.message).not.toContain(base)
  })

  it('throws StreamBroken when the connection breaks mid-stream', async () => {
    const { base, invitation } = await followed()
    let body: ReadableStreamDefaultController<Uint8Array> | undefined
    const broken = client(base, invitation.follower, {
      fetch: (input, init) => {
        if (!String(input).includes('/StreamEvents')) return fetch(input, init)
        const stream = new ReadableStream<Uint8Array>({ start: (c) => void (body = c) })
        return Promise.resolve(
          new Response(stream, { headers: { 'content-type': 'text/event-stream' } }),
        )
      },
    })
    const events = broken.streamEvents()[Symbol.asyncIterator]()
    const first = events.next()
    await vi.waitFor(() => expect(body).toBeDefined())
    body!.enqueue(new TextEncoder().encode('event: ready\ndata: {}\n\n'))
    expect((await first).value).toEqual({ type: 'ready' })
    const second = events.next()
    body!.error(new TypeError('terminated'))
    const error = await rejection(second)
    expect(isShareError(error) && error.name).toBe('NetworkError')
    expect(error.code).toBe('StreamBroken')
  })
})

describe('EventStreamParser', () => {
  it('splits on LF, CR and CRLF, even across chunks, and joins data lines', () => {
    const parser = new EventStreamParser()
    expect(parser.push(': comment\r\nevent: reading\r')).toEqual([])
    expect(parser.push('\ndata: {"a":\ndata:1}\r\rid: 7\n')).toEqual([
      { event: 'reading', data: '{"a":\n1}', id: undefined },
    ])
    expect(parser.push('data: x\n\n')).toEqual([{ event: 'message', data: 'x', id: '7' }])
    expect(parser.push('data: y\n\n')).toEqual([{ event: 'message', data: 'y', id: undefined }])
  })

  it('ignores events without data, unknown fields and retry, and bounds a line', () => {
    const parser = new EventStreamParser()
    expect(parser.push('event: ping\n\nretry: 5000\nfoo: bar\ndata\n\n')).toEqual([
      { event: 'message', data: '', id: undefined },
    ])
    expect(parser.push('x'.repeat((1 << 20) + 1))).toBeUndefined()
  })

  it('reads a webhook body as the same alert notice the stream yields', () => {
    const notice = parseAlertNotice(
      JSON.stringify({
        id: 'e1',
        type: 'alert.fired',
        subscriptionId: 's1',
        publisher: 'Sam',
        alert: { kind: 'low', type: 'fired', at: 1000, value: 65, threshold: 70 },
      }),
    )
    expect(notice).toMatchObject({ type: 'alert', subscriptionId: 's1', publisher: 'Sam' })
    expect(notice.alert).toMatchObject({ eventId: 'e1', kind: 'low', valueMgDl: 65 })
    expect(notice.alert.at.getTime()).toBe(1000)
    expect(() => parseAlertNotice('{"nope":1}')).toThrow(/InvalidResponse/)
  })
})

describe('ShareFollowerClient against the OpenAPI document', () => {
  it('finds every follower operation it calls in the server description', async () => {
    const { server } = await listening()
    const document = (await server.app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, unknown>
    }>()
    const paths = Object.keys(document.paths).map((p) => p.slice(p.lastIndexOf('/') + 1))
    for (const operation of [
      'LoginSubscriberAccount',
      'ListSubscriberAccountSubscriptions',
      'ReadSubscriptionLatestGlucoseValues',
      'ReadLastGlucoseFromSubscriptions',
      'AcceptSubscriptionInvitation',
      'ReadSubscriptionAlertSettings',
      'UpdateSubscriptionAlertSettings',
      'ReadAlertEvents',
      'AcknowledgeAlert',
      'CreateWebhook',
      'ListWebhooks',
      'DeleteWebhook',
    ]) {
      expect(paths, operation).toContain(operation)
    }
  })
})
