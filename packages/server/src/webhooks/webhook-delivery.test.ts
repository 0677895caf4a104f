import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../test-support.js'
import { verifyWebhookSignature } from './sign-webhook.js'
import { MemoryWebhookOutbox } from './memory-webhook-outbox.js'
import { WebhookDispatcher, type WebhookDispatcherOptions } from './webhook-delivery.js'
import { WEBHOOK_MAX_RETRY_AFTER_MS } from './webhook-retry-policy.js'
import {
  answer,
  startWebhookReceiver,
  type WebhookReceiver,
  type WebhookResponder,
} from './test-webhook-receiver.js'

const SECRET = 'whsec_dispatch_test_secret'
const TOKEN = 'path-token-9f8e7d'
const BODY = JSON.stringify({ type: 'alert.fired', alert: 'UrgentLow', value: 54 })

let cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  cleanups = []
})

async function receiver(responder?: WebhookResponder): Promise<WebhookReceiver> {
  const started = await startWebhookReceiver(responder)
  cleanups.push(() => started.close())
  return started
}

function setup(url: string, options: Partial<WebhookDispatcherOptions> = {}) {
  const clock = new ManualClock()
  const outbox = new MemoryWebhookOutbox()
  const logs: { level: string; fields: Record<string, unknown>; message: string }[] = []
  const dispatcher = new WebhookDispatcher({
    outbox,
    clock,
    random: () => 0,
    logger: {
      info: (fields, message) => logs.push({ level: 'info', fields, message }),
      warn: (fields, message) => logs.push({ level: 'warn', fields, message }),
    },
    ...options,
  })
  cleanups.push(() => dispatcher.stop())
  outbox.enqueue({
    id: 'd-1',
    webhookId: 'w-1',
    url,
    secret: SECRET,
    eventId: 'ev-1',
    eventType: 'alert.fired',
    body: BODY,
    createdAt: clock.now(),
  })
  const state = () => outbox.get('d-1')!
  return { clock, outbox, dispatcher, logs, state }
}

function expectNoSecrets(value: unknown): void {
  const text = JSON.stringify(value)
  expect(text).not.toContain(SECRET)
  expect(text).not.toContain(TOKEN)
}

describe('WebhookDispatcher', () => {
  it('POSTs the body with a signature the receiver verifies, and marks it delivered', async () => {
    const hook = await receiver(answer(200))
    const { clock, dispatcher, state } = setup(`${hook.origin}/hooks/${TOKEN}`)

    expect(await dispatcher.runDue()).toBe(1)

    expect(hook.received).toHaveLength(1)
    const [request] = hook.received
    expect(request!.method).toBe('POST')
    expect(request!.path).toBe(`/hooks/${TOKEN}`)
    expect(request!.body.toString()).toBe(BODY)
    expect(request!.headers['content-type']).toBe('application/json')
    expect(request!.headers['user-agent']).toMatch(/^glucoshare-webhooks\//)
    expect(request!.headers['glucoshare-event-id']).toBe('ev-1')
    expect(request!.headers['glucoshare-event-type']).toBe('alert.fired')
    const signature = request!.headers['glucoshare-signature'] as string
    expect(signature).toBe(`t=${clock.now() / 1000},v1=${signature.split('v1=')[1]}`)
    expect(verifyWebhookSignature(SECRET, signature, request!.body, clock.now())).toBe(true)
    const tampered = Buffer.from(request!.body.toString().replace('54', '45'))
    expect(verifyWebhookSignature(SECRET, signature, tampered, clock.now())).toBe(false)
    expectNoSecrets(request!.headers)

    expect(state()).toMatchObject({ state: 'delivered', attempts: 1, deliveredStatus: 200 })
    expect(await dispatcher.runDue()).toBe(0)
    expect(hook.received).toHaveLength(1)
  })

  it('retries a 500 on the back-off schedule, re-signing each attempt, until it succeeds', async () => {
    const hook = await receiver(answer(500))
    const { clock, dispatcher, state, logs } = setup(`${hook.origin}/hooks/${TOKEN}`)
    const start = clock.now()

    await dispatcher.runDue()
    expect(state()).toMatchObject({ state: 'pending', attempts: 1, lastError: 'HTTP 500' })
    expect(state().nextAttemptAt).toBe(start + 10_000)

    clock.advance(9_999)
    expect(await dispatcher.runDue()).toBe(0)
    clock.advance(1)
    expect(await dispatcher.runDue()).toBe(1)
    expect(state()).toMatchObject({ attempts: 2, nextAttemptAt: start + 10_000 + 30_000 })

    hook.respond(answer(204))
    clock.set(start + 40_000)
    expect(await dispatcher.runDue()).toBe(1)
    expect(state()).toMatchObject({ state: 'delivered', attempts: 3, deliveredStatus: 204 })

    const stamps = hook.received.map((r) => r.headers['glucoshare-signature'] as string)
    expect(stamps.map((s) => s.split(',')[0])).toEqual([
      `t=${start / 1000}`,
      `t=${(start + 10_000) / 1000}`,
      `t=${(start + 40_000) / 1000}`,
    ])
    hook.received.forEach((r, i) => {
      const at = [start, start + 10_000, start + 40_000][i]!
      expect(verifyWebhookSignature(SECRET, stamps[i], r.body, at)).toBe(true)
    })
    expect(logs.map((l) => l.message)).toEqual([
      'webhook delivery will be retried',
      'webhook delivery will be retried',
    ])
    expectNoSecrets(logs)
  })

  it('adds up to 20 % jitter to each wait', async () => {
    const hook = await receiver(answer(502))
    const { clock, dispatcher, state } = setup(hook.origin, { random: () => 0.5 })
    const start = clock.now()
    await dispatcher.runDue()
    expect(state().nextAttemptAt).toBe(start + 11_000)
  })

  it('gives up after the last scheduled attempt', async () => {
    const hook = await receiver(answer(503))
    const { clock, dispatcher, state, logs } = setup(hook.origin, { retryDelaysMs: [1000, 2000] })
    await dispatcher.runDue()
    clock.advance(1000)
    await dispatcher.runDue()
    clock.advance(2000)
    await dispatcher.runDue()
    expect(state()).toMatchObject({ state: 'failed', attempts: 3, lastError: 'HTTP 503' })
    clock.advance(24 * 3_600_000)
    expect(await dispatcher.runDue()).toBe(0)
    expect(hook.received).toHaveLength(3)
    expect(logs.at(-1)).toMatchObject({
      level: 'warn',
      message: 'webhook delivery failed for good',
    })
  })

  it('honours Retry-After on 503 and 429, within one hour', async () => {
    const hook = await receiver(answer(503, { 'Retry-After': '120' }))
    const { clock, dispatcher, state } = setup(hook.origin)
    const start = clock.now()
    await dispatcher.runDue()
    expect(state().nextAttemptAt).toBe(start + 120_000)

    hook.respond(answer(429, { 'Retry-After': '86400' }))
    clock.set(start + 120_000)
    await dispatcher.runDue()
    expect(state().nextAttemptAt).toBe(start + 120_000 + WEBHOOK_MAX_RETRY_AFTER_MS)

    // An HTTP-date is read against the dispatcher's clock.
    const later = clock.now() + WEBHOOK_MAX_RETRY_AFTER_MS
    clock.set(later)
    hook.respond(answer(503, { 'Retry-After': new Date(later + 300_000).toUTCString() }))
    await dispatcher.runDue()
    expect(state()).toMatchObject({ attempts: 3, nextAttemptAt: later + 300_000 })
  })

  it('never waits less than the schedule when Retry-After is shorter, and ignores it on 500', async () => {
    const hook = await receiver(answer(429, { 'Retry-After': '1' }))
    const { clock, dispatcher, state } = setup(hook.origin)
    await dispatcher.runDue()
    expect(state().nextAttemptAt).toBe(clock.now() + 10_000)
    hook.respond(answer(500, { 'Retry-After': '600' }))
    clock.advance(10_000)
    await dispatcher.runDue()
    expect(state().nextAttemptAt).toBe(clock.now() + 30_000)
  })

  it.each([400, 401, 404, 410, 422])('fails for good on HTTP %i', async (status) => {
    const hook = await receiver(answer(status))
    const { clock, dispatcher, state } = setup(hook.origin)
    await dispatcher.runDue()
    expect(state()).toMatchObject({ state: 'failed', attempts: 1, lastError: `HTTP ${status}` })
    clock.advance(3_600_000)
    expect(await dispatcher.runDue()).toBe(0)
    expect(hook.received).toHaveLength(1)
  })

  it('retries 408', async () => {
    const hook = await receiver(answer(408))
    const { dispatcher, state } = setup(hook.origin)
    await dispatcher.runDue()
    expect(state()).toMatchObject({ state: 'pending', attempts: 1, lastError: 'HTTP 408' })
  })

  it('retries a receiver that does not answer in time', async () => {
    const hook = await receiver(() => undefined)
    const { clock, dispatcher, state } = setup(`${hook.origin}/${TOKEN}`, {
      timeoutMs: 200,
      leaseMs: 1000,
    })
    await dispatcher.runDue()
    expect(hook.received).toHaveLength(1)
    expect(state()).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'no answer within 200 ms',
      nextAttemptAt: clock.now() + 10_000,
    })
    hook.respond(answer(200))
    clock.advance(10_000)
    await dispatcher.runDue()
    expect(state()).toMatchObject({ state: 'delivered', attempts: 2 })
  })

  it('retries when the receiver cannot be reached', async () => {
    const port = await closedPort()
    const { dispatcher, state, logs } = setup(`http://127.0.0.1:${port}/${TOKEN}`)
    await dispatcher.runDue()
    expect(state()).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'network error (ECONNREFUSED)',
    })
    expect(logs[0]!.fields).toMatchObject({ host: `127.0.0.1:${port}`, deliveryId: 'd-1' })
    expectNoSecrets(logs)
    expectNoSecrets(state().lastError)
  })

  it('does not follow a redirect, to another host or at all', async () => {
    const elsewhere = await receiver(answer(200))
    const hook = await receiver(answer(307, { Location: `${elsewhere.origin}/steal` }))
    const { dispatcher, state } = setup(hook.origin)
    await dispatcher.runDue()
    expect(hook.received).toHaveLength(1)
    expect(elsewhere.received).toHaveLength(0)
    expect(state()).toMatchObject({ state: 'failed', attempts: 1 })
    expect(state().lastError).toMatch(/^HTTP 307: redirects are not followed/)
  })

  it.each([
    ['not a url', 'the webhook URL is not a valid URL'],
    [`ftp://example.org/${TOKEN}`, 'the webhook URL must use http or https'],
    [`http://user:${TOKEN}@127.0.0.1/`, 'the webhook URL must not contain a user name or password'],
  ])('fails for good on the unusable URL %s without quoting it', async (url, error) => {
    const { dispatcher, state } = setup(url)
    await dispatcher.runDue()
    expect(state()).toMatchObject({ state: 'failed', attempts: 1, lastError: error })
  })

  it('never sends one delivery twice at once from two dispatchers sharing an outbox', async () => {
    const hook = await receiver(answer(200))
    const { clock, outbox, dispatcher } = setup(hook.origin)
    const other = new WebhookDispatcher({ outbox, clock, random: () => 0 })
    const counts = await Promise.all([dispatcher.runDue(), other.runDue()])
    expect(counts.sort()).toEqual([0, 1])
    expect(hook.received).toHaveLength(1)
  })

  it('sends again when a claim lapses without an outcome (at-least-once)', async () => {
    const hook = await receiver(answer(200))
    const { clock, outbox, dispatcher, state } = setup(hook.origin, { leaseMs: 60_000 })
    // A crashed instance: claimed, never recorded.
    await outbox.claimDue(clock.now(), 10, 60_000)
    expect(await dispatcher.runDue()).toBe(0)
    clock.advance(60_000)
    expect(await dispatcher.runDue()).toBe(1)
    expect(state().state).toBe('delivered')
  })

  it('sends at once on notify() when started, and stop() waits for the send in flight', async () => {
    let release: () => void = () => undefined
    const hook = await receiver((_request, response) => {
      release = () => response.writeHead(200).end()
    })
    const { dispatcher, state } = setup(hook.origin, { pollIntervalMs: 3_600_000 })
    dispatcher.start()
    dispatcher.notify()
    await hook.waitFor(1)
    const stopped = dispatcher.stop()
    release()
    await stopped
    expect(state()).toMatchObject({ state: 'delivered', attempts: 1 })
  })

  it('picks up deliveries queued later when notified', async () => {
    const hook = await receiver(answer(200))
    const { clock, outbox, dispatcher } = setup(hook.origin, { pollIntervalMs: 3_600_000 })
    dispatcher.start()
    await hook.waitFor(1)
    outbox.enqueue({
      id: 'd-2',
      webhookId: 'w-1',
      url: hook.origin,
      secret: SECRET,
      eventId: 'ev-2',
      eventType: 'alert.cleared',
      body: '{}',
      createdAt: clock.now(),
    })
    dispatcher.notify()
    await hook.waitFor(2)
    expect(hook.received[1]!.headers['glucoshare-event-id']).toBe('ev-2')
  })

  it('rejects options that cannot work', () => {
    const outbox = new MemoryWebhookOutbox()
    expect(() => new WebhookDispatcher({ outbox, timeoutMs: 0 })).toThrow(RangeError)
    expect(() => new WebhookDispatcher({ outbox, timeoutMs: 60_000, leaseMs: 60_000 })).toThrow(
      /leaseMs must be longer than timeoutMs/,
    )
    expect(() => new WebhookDispatcher({ outbox, retryDelaysMs: [10, -1] })).toThrow(RangeError)
  })
})

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
