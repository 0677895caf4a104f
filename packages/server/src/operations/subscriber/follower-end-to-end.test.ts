/**
End to end over real sockets: a publisher invites a follower, the follower accepts, the publisher
uploads a falling trace, and the follower's Server-Sent Events stream and a local webhook
receiver both get the urgent-low alert exactly once, then the re-alarm after RealarmDelay. Time
is the manual clock; background work is driven by hand (`backgroundOf`).
*/
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AddressInfo } from 'node:net'
import { DEXCOM_APPLICATION_ID, DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import { backgroundOf } from '../../app.js'
import { egvBody, startTestServer, type TestServer } from '../../test-support.js'
import { startWebhookReceiver, type WebhookReceiver } from '../../webhooks/test-webhook-receiver.js'
import {
  WEBHOOK_EVENT_TYPE_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  verifyWebhookSignature,
} from '../../webhooks/sign-webhook.js'
import { MINUTE, URGENT_LOW_INVITATION } from './test-follower-fixture.js'

interface ServerSentEvent {
  readonly event: string
  readonly id: string | undefined
  readonly data: string
}

interface EventStream {
  readonly status: number
  readonly contentType: string | null
  /** The next event; rejects when none comes (a hang guard, not a timing check). */
  next(): Promise<ServerSentEvent>
  close(): void
}

let server: TestServer
let receiver: WebhookReceiver
let origin: string
const streams: EventStream[] = []

beforeEach(async () => {
  server = await startTestServer()
  receiver = await startWebhookReceiver()
  await server.app.listen({ port: 0, host: '127.0.0.1' })
  origin = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`
})
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.close()
  await server.close()
  await receiver.close()
})

/** Calls a Share operation over HTTP; answers the parsed JSON body (undefined when empty). */
async function post(
  operation: string,
  query: Record<string, string>,
  body?: unknown,
): Promise<unknown> {
  const url = `${origin}${DEXCOM_SERVICES_PATH}/${operation}?${new URLSearchParams(query)}`
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  expect(response.status, text).toBe(200)
  return text === '' ? undefined : JSON.parse(text)
}

async function openStream(sessionId: string): Promise<EventStream> {
  const controller = new AbortController()
  const response = await fetch(
    `${origin}${DEXCOM_SERVICES_PATH}/Subscriber/StreamEvents?sessionId=${sessionId}`,
    { signal: controller.signal },
  )
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  const readEvent = async (): Promise<ServerSentEvent> => {
    for (;;) {
      const end = buffer.indexOf('\n\n')
      if (end >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const fields = new Map<string, string>()
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue
          const colon = line.indexOf(':')
          fields.set(line.slice(0, colon), line.slice(colon + 1).replace(/^ /, ''))
        }
        if (!fields.has('event')) continue
        return { event: fields.get('event')!, id: fields.get('id'), data: fields.get('data') ?? '' }
      }
      const { value, done } = await reader.read()
      if (done) throw new Error('the stream ended')
      buffer += value
    }
  }
  const stream: EventStream = {
    status: response.status,
    contentType: response.headers.get('content-type'),
    next: () =>
      Promise.race([
        readEvent(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no event came')), 5_000).unref(),
        ),
      ]),
    close: () => controller.abort(),
  }
  streams.push(stream)
  return stream
}

describe('follower alerts end to end over real sockets', () => {
  it('streams and posts the urgent-low alert exactly once, then the re-alarm', async () => {
    // Accounts are created as the CLI does; everything else goes over HTTP.
    const { account: publisherAccount } = await server.addAccount({ displayName: 'Sam' })
    const { account: followerAccount } = await server.addAccount({ kind: 'follower' })
    const { account: bystanderAccount } = await server.addAccount({ kind: 'follower' })
    const { account: otherPublisherAccount } = await server.addAccount()
    const login = (operation: string, accountId: string) =>
      post(
        `General/${operation}`,
        {},
        {
          accountId,
          password: 'correct horse',
          applicationId: DEXCOM_APPLICATION_ID,
        },
      ) as Promise<string>
    const publisher = await login('LoginPublisherAccountById', publisherAccount.id)
    const otherPublisher = await login('LoginPublisherAccountById', otherPublisherAccount.id)
    const follower = await login('LoginSubscriberAccount', followerAccount.id)
    const bystander = await login('LoginSubscriberAccount', bystanderAccount.id)

    // The publisher invites, the follower accepts; the bystander follows someone else.
    const invite = async (sessionId: string, name: string) => {
      const contactId = (await post('Publisher/CreateContact', {
        sessionId,
        contactName: name,
        emailAddress: `${name.toLowerCase()}@example.test`,
      })) as string
      const subscriptionId = (await post(
        'Publisher/CreateSubscriptionInvitation',
        { sessionId, contactId },
        URGENT_LOW_INVITATION,
      )) as string
      const invitationId = (await post('Publisher/ReadSubscriptionInviteId', {
        sessionId,
        subscriptionId,
      })) as string
      return { subscriptionId, invitationId }
    }
    const mine = await invite(publisher, 'Mum')
    const theirs = await invite(otherPublisher, 'Gran')
    expect(
      await post('Subscriber/AcceptSubscriptionInvitation', {
        sessionId: follower,
        invitationId: mine.invitationId,
      }),
    ).toBe(mine.subscriptionId)
    await post('Subscriber/AcceptSubscriptionInvitation', {
      sessionId: bystander,
      invitationId: theirs.invitationId,
    })
    const { Secret: secret } = (await post(
      'Subscriber/CreateWebhook',
      { sessionId: follower },
      { Url: `${receiver.origin}/glucoshare` },
    )) as { Secret: string }

    const stream = await openStream(follower)
    expect(stream.status).toBe(200)
    expect(stream.contentType).toMatch(/^text\/event-stream/)
    expect(await stream.next()).toEqual({ event: 'ready', id: undefined, data: '{}' })
    const bystanderStream = await openStream(bystander)
    expect((await bystanderStream.next()).event).toBe('ready')

    const upload = async (sessionId: string, serial: string, value: number) => {
      await post(
        'Publisher/PostReceiverEgvRecords',
        { sessionId },
        egvBody(serial, server.clock.now(), [{ minutesAgo: 0, value }]),
      )
    }
    for (const [sessionId, serial] of [
      [publisher, 'SM10000001'],
      [otherPublisher, 'SM10000002'],
    ] as const) {
      await post('Publisher/StartRemoteMonitoringSession', { sessionId, serialNumber: serial })
    }
    const dispatcher = backgroundOf(server.app).webhooks
    const alerts: ServerSentEvent[] = []
    /** One reading: the stream shows it first, then any alert it raised. */
    const step = async (value: number, expectAlert: string | undefined) => {
      await upload(publisher, 'SM10000001', value)
      const reading = await stream.next()
      expect(reading.event).toBe('reading')
      expect(JSON.parse(reading.data)).toMatchObject({
        SubscriptionId: mine.subscriptionId,
        Egv: { Value: value },
      })
      if (expectAlert !== undefined) {
        const alert = await stream.next()
        expect(alert.event).toBe('alert')
        expect(JSON.parse(alert.data)).toMatchObject({ type: expectAlert })
        alerts.push(alert)
      }
      await dispatcher.runDue()
      server.clock.advance(5 * MINUTE)
    }

    for (const value of [120, 100, 80, 65]) await step(value, undefined)
    const firedAt = server.clock.now()
    await step(55, 'alert.fired')
    // Low for another 25 minutes: readings only, and the webhook got the one alert.
    for (const value of [50, 48, 47, 46, 45]) await step(value, undefined)
    expect(receiver.received).toHaveLength(1)
    expect(server.clock.now()).toBe(firedAt + 30 * MINUTE)
    await step(44, 'alert.realarm')

    const [fired, realarm] = alerts.map((a) => JSON.parse(a.data) as Record<string, unknown>)
    expect(fired).toStrictEqual({
      id: alerts[0]!.id,
      type: 'alert.fired',
      subscriptionId: mine.subscriptionId,
      publisher: 'Sam',
      alert: {
        kind: 'urgentLow',
        type: 'fired',
        at: firedAt,
        since: firedAt,
        value: 55,
        readingTime: firedAt,
        threshold: 55,
      },
    })
    expect(realarm).toMatchObject({
      id: alerts[1]!.id,
      alert: { kind: 'urgentLow', type: 'realarm', at: firedAt + 30 * MINUTE, value: 44 },
    })

    // The webhook receiver got the same two events, signed, each once.
    expect(receiver.received).toHaveLength(2)
    receiver.received.forEach((request, i) => {
      expect(request.body.toString()).toBe(alerts[i]!.data)
      expect(request.headers[WEBHOOK_EVENT_TYPE_HEADER.toLowerCase()]).toBe(
        i === 0 ? 'alert.fired' : 'alert.realarm',
      )
      const signature = request.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string
      const sentAt = i === 0 ? firedAt : firedAt + 30 * MINUTE
      expect(verifyWebhookSignature(secret, signature, request.body, sentAt)).toBe(true)
    })
    expect(await dispatcher.runDue()).toBe(0)

    // The bystander saw nothing of this publisher: their first event is their own publisher's.
    await upload(otherPublisher, 'SM10000002', 130)
    const first = await bystanderStream.next()
    expect(first.event).toBe('reading')
    expect(JSON.parse(first.data)).toMatchObject({
      SubscriptionId: theirs.subscriptionId,
      Egv: { Value: 130 },
    })
  })

  it('refuses a stream without a follower session before it starts', async () => {
    const { account } = await server.addAccount()
    const publisher = (await post(
      'General/LoginPublisherAccountById',
      {},
      {
        accountId: account.id,
        password: 'correct horse',
      },
    )) as string
    const url = `${origin}${DEXCOM_SERVICES_PATH}/Subscriber/StreamEvents`
    const none = await fetch(url)
    expect(none.status).toBe(400)
    expect(await none.json()).toMatchObject({ Code: 'InvalidArgument' })
    const wrong = await fetch(`${url}?sessionId=${publisher}`)
    expect(wrong.status).toBe(500)
    expect(await wrong.json()).toMatchObject({ Code: 'SessionIdNotFound' })
  })

  it('allows a follower ten streams at once and answers HTTP 429 to one more', async () => {
    const { account, password } = await server.addAccount({ kind: 'follower' })
    const session = (await post(
      'General/LoginSubscriberAccount',
      {},
      { accountId: account.id, password, applicationId: DEXCOM_APPLICATION_ID },
    )) as string
    const open = []
    for (let i = 0; i < 10; i += 1) open.push(await openStream(session))
    for (const stream of open) {
      expect(stream.status).toBe(200)
      expect((await stream.next()).event).toBe('ready')
    }
    const url = `${origin}${DEXCOM_SERVICES_PATH}/Subscriber/StreamEvents?sessionId=${session}`
    const refused = await fetch(url)
    expect(refused.status).toBe(429)
    expect(await refused.json()).toMatchObject({ Code: 'InvalidArgument' })
    // Closing one frees a place.
    open[0]!.close()
    let again = await fetch(url, { signal: AbortSignal.timeout(5_000) })
    for (let i = 0; i < 100 && again.status === 429; i += 1) {
      await again.body?.cancel()
      await new Promise((resolve) => setTimeout(resolve, 20))
      again = await fetch(url, { signal: AbortSignal.timeout(5_000) })
    }
    expect(again.status).toBe(200)
    await again.body?.cancel()
  })
})

describe('a follower stream and its session', () => {
  it('ends when the session expires', async () => {
    // A short session on a clock that stands still: requests stay valid, the stream's timer ends it.
    await server.close()
    server = await startTestServer({ config: { sessionTtlMs: 300 } })
    await server.app.listen({ port: 0, host: '127.0.0.1' })
    origin = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`
    const { account, password } = await server.addAccount({ kind: 'follower' })
    const session = (await post(
      'General/LoginSubscriberAccount',
      {},
      { accountId: account.id, password, applicationId: DEXCOM_APPLICATION_ID },
    )) as string
    const stream = await openStream(session)
    expect((await stream.next()).event).toBe('ready')
    await expect(stream.next()).rejects.toThrow('the stream ended')
  })
})
