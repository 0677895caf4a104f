import { randomUUID } from 'node:crypto'
import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { startTestServer, egvBody, type TestServer } from '../test-support.js'
import { expectFault } from '../test-expect.js'

// ReadPublisherLatestGlucoseValues and PostReceiverEgvRecords find their session with their data
// in one store call (`withSession`); these pin that they answer exactly as operations whose
// session the transport resolves first.
const READ = 'Publisher/ReadPublisherLatestGlucoseValues'
const MINUTE = 60_000

let server: TestServer

beforeEach(async () => {
  server = await startTestServer()
})

afterEach(async () => {
  await server.close()
})

function read(sessionId: string, query: Record<string, string | number>) {
  return server.call(READ, { query: { sessionId, ...query } })
}

describe('an operation that finds its session with its data', () => {
  it('answers session faults before parameter faults, as every operation does', async () => {
    expectFault(await read(randomUUID(), { minutes: 'x', maxCount: 1 }), 'SessionIdNotFound')
    const { account } = await server.addAccount()
    const sessionId = await server.login(account)
    server.clock.advance(24 * 60 * MINUTE)
    expectFault(await read(sessionId, { minutes: -1, maxCount: 1 }), 'SessionNotValid')
    expectFault(await read(sessionId, { minutes: 1440, maxCount: 1 }), 'SessionNotValid')
  })

  it('answers InvalidArgument for bad parameters of a valid session', async () => {
    const { sessionId } = await server.uploader()
    expectFault(await read(sessionId, { minutes: 'x', maxCount: 1 }), 'InvalidArgument')
    expectFault(await read(sessionId, { minutes: 1440 }), 'InvalidArgument')
  })

  it("refuses a follower's session on the publisher read as not found", async () => {
    const { account } = await server.addAccount({ kind: 'follower' })
    const sessionId = randomUUID()
    const now = server.clock.now()
    await server.store.createSession({
      id: sessionId,
      accountKey: account.key,
      createdAt: now,
      expiresAt: now + 60 * MINUTE,
    })
    expectFault(await read(sessionId, { minutes: 1440, maxCount: 1 }), 'SessionIdNotFound')
  })

  it('answers [] for minutes=0 or maxCount=0, even with a reading dated ahead', async () => {
    const { sessionId, serial } = await server.uploader()
    const upload = await server.call('Publisher/PostReceiverEgvRecords', {
      query: { sessionId },
      body: egvBody(serial, server.clock.now(), [{ minutesAgo: -5, value: 150 }]),
    })
    expect(upload.status).toBe(200)
    expect((await read(sessionId, { minutes: 0, maxCount: 10 })).text).toBe('[]')
    expect((await read(sessionId, { minutes: 1440, maxCount: 0 })).text).toBe('[]')
    expect((await read(sessionId, { minutes: 1440, maxCount: 1 })).json).toMatchObject([
      { Value: 150 },
    ])
  })

  it('answers an upload with bad input by the session fault first, then the input fault', async () => {
    const upload = (sessionId: string, body: unknown) =>
      server.call('Publisher/PostReceiverEgvRecords', { query: { sessionId }, body })
    const bad = { SN: 'SM11112222', Egvs: 'not an array' }
    expectFault(await upload(randomUUID(), bad), 'SessionIdNotFound')
    const { sessionId, serial } = await server.uploader()
    expectFault(await upload(sessionId, bad), 'InvalidArgument')
    const good = egvBody(serial, server.clock.now(), [{ minutesAgo: 0, value: 120 }])
    expect((await upload(sessionId, good)).status).toBe(200)
    expectFault(
      await upload(sessionId, { ...good, SN: 'SM99990000' }),
      'MonitoredReceiverSerialNumberDoesNotMatch',
    )
    server.clock.advance(24 * 60 * MINUTE)
    expectFault(await upload(sessionId, bad), 'SessionNotValid')
  })
})
