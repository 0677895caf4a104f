import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { DEXCOM_APPLICATION_ID } from '@glucoshare/sdk'
import { egvBody, startTestServer, type TestServer } from '../../test-support.js'
import { expectFault, expectEmpty } from '../../test-expect.js'

const LOWER_UUID_ANSWER = /^"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"$/

describe('publisher monitoring operations', () => {
  let server: TestServer
  let sessionId: string

  beforeEach(async () => {
    server = await startTestServer()
    const { account } = await server.addAccount()
    sessionId = await server.login(account)
  })
  afterEach(async () => {
    await server.close()
  })

  /** A second publisher, logged in. */
  async function otherPublisher(): Promise<string> {
    const { account } = await server.addAccount()
    return server.login(account)
  }

  const isActive = (session = sessionId) =>
    server.call('Publisher/IsRemoteMonitoringSessionActive', { query: { sessionId: session } })
  const start = (serialNumber?: string, session = sessionId) =>
    server.call('Publisher/StartRemoteMonitoringSession', {
      query:
        serialNumber === undefined ? { sessionId: session } : { sessionId: session, serialNumber },
    })
  const stop = (session = sessionId) =>
    server.call('Publisher/StopRemoteMonitoringSession', { query: { sessionId: session } })
  const check = (serialNumber: string, session = sessionId) =>
    server.call('Publisher/CheckMonitoredReceiverAssignmentStatus', {
      query: { sessionId: session, serialNumber },
    })
  const replace = (serialNumber: string, session = sessionId) =>
    server.call('Publisher/ReplacePublisherAccountMonitoredReceiver', {
      query: { sessionId: session, serialNumber },
    })
  const receiverId = (session = sessionId) =>
    server.call('Publisher/GetMonitoredReceiverIdIfEnabled', { query: { sessionId: session } })
  const stopReceiver = (monitoredReceiverId: string, session = sessionId) =>
    server.call('Publisher/StopMonitoringReceiver', {
      query: { sessionId: session, monitoredReceiverId },
    })

  describe('IsRemoteMonitoringSessionActive', () => {
    it('answers a bare false before monitoring starts and a bare true after', async () => {
      const before = await isActive()
      expect(before.status).toBe(200)
      expect(before.headers['content-type']).toMatch(/^application\/json/)
      expect(before.text).toBe('false')
      expectEmpty(await start('SM11112222'))
      expect((await isActive()).text).toBe('true')
    })

    it('answers SessionIdNotFound for an unknown session', async () => {
      expectFault(await isActive(randomUUID()), 'SessionIdNotFound')
    })
  })

  describe('StartRemoteMonitoringSession', () => {
    it('assigns a free serial number to an account without a receiver and answers an empty 200', async () => {
      const result = await start('SM11112222')
      expectEmpty(result)
      expect((await check('SM11112222')).json).toBe('AssignedToYou')
      expect((await isActive()).text).toBe('true')
    })

    it('answers MonitoringSessionAlreadyActive when monitoring is already on', async () => {
      expectEmpty(await start('SM11112222'))
      expectFault(await start('SM11112222'), 'MonitoringSessionAlreadyActive')
      expectFault(await start(), 'MonitoringSessionAlreadyActive')
    })

    it('answers MonitoredReceiverNotAssigned without a receiver or a serial number', async () => {
      expectFault(await start(), 'MonitoredReceiverNotAssigned')
      expect((await isActive()).text).toBe('false')
    })

    it('starts without a serial number once a receiver is assigned', async () => {
      expect((await replace('SM11112222')).status).toBe(200)
      expectEmpty(await start())
      expect((await isActive()).text).toBe('true')
    })

    it('accepts the assigned serial number in any letter case', async () => {
      expect((await replace('SM11112222')).status).toBe(200)
      expectEmpty(await start('sm11112222'))
    })

    it("replaces the account's own receiver when started with another free serial number", async () => {
      expect((await replace('SM11112222')).status).toBe(200)
      expectEmpty(await start('SM99998888'))
      expect((await isActive()).text).toBe('true')
      expect((await check('SM99998888')).json).toBe('AssignedToYou')
      expect((await check('SM11112222')).json).toBe('NotAssigned')
    })

    it('answers SerialNumberAssignedToSomeoneElse for a serial number another publisher holds', async () => {
      const other = await otherPublisher()
      expectEmpty(await start('SM11112222', other))
      expectFault(await start('SM11112222'), 'SerialNumberAssignedToSomeoneElse')
      expect((await isActive()).text).toBe('false')
      expect((await check('SM11112222')).json).toBe('AssignedToSomeoneElse')
    })

    it('answers InvalidArgument for a serial number with characters no receiver has', async () => {
      expectFault(await start('SM 1111/2222'), 'InvalidArgument')
    })
  })

  describe('StopRemoteMonitoringSession', () => {
    it('ends monitoring with an empty 200, keeping the receiver', async () => {
      expectEmpty(await start('SM11112222'))
      expectEmpty(await stop())
      expect((await isActive()).text).toBe('false')
      expect((await check('SM11112222')).json).toBe('AssignedToYou')
      expectEmpty(await start())
    })

    it('answers MonitoringSessionNotActive when monitoring is off', async () => {
      expectFault(await stop(), 'MonitoringSessionNotActive')
      expectEmpty(await start('SM11112222'))
      expectEmpty(await stop())
      expectFault(await stop(), 'MonitoringSessionNotActive')
    })
  })

  describe('CheckMonitoredReceiverAssignmentStatus', () => {
    it('answers each of the three statuses as a bare JSON string', async () => {
      const other = await otherPublisher()
      expect((await replace('SM22223333', other)).status).toBe(200)
      expect((await replace('SM11112222')).status).toBe(200)

      const cases: [string, string][] = [
        ['SM11112222', '"AssignedToYou"'],
        ['SM22223333', '"AssignedToSomeoneElse"'],
        ['SM44445555', '"NotAssigned"'],
      ]
      for (const [serial, answer] of cases) {
        const result = await check(serial)
        expect(result.status).toBe(200)
        expect(result.headers['content-type']).toMatch(/^application\/json/)
        expect(result.text).toBe(answer)
      }
    })

    it('compares serial numbers without regard to letter case', async () => {
      const other = await otherPublisher()
      expect((await replace('sm22223333', other)).status).toBe(200)
      expect((await replace('SM11112222')).status).toBe(200)
      expect((await check('sm11112222')).json).toBe('AssignedToYou')
      expect((await check('Sm11112222')).json).toBe('AssignedToYou')
      expect((await check('SM22223333')).json).toBe('AssignedToSomeoneElse')
    })

    it('answers InvalidArgument when the serial number is missing', async () => {
      const result = await server.call('Publisher/CheckMonitoredReceiverAssignmentStatus', {
        query: { sessionId },
      })
      expect(expectFault(result, 'InvalidArgument')['Message']).toContain('serialNumber')
    })
  })

  describe('ReplacePublisherAccountMonitoredReceiver', () => {
    it('answers the receiver id as a lower-case UUID string', async () => {
      const result = await replace('SM11112222')
      expect(result.status).toBe(200)
      expect(result.headers['content-type']).toMatch(/^application\/json/)
      expect(result.text).toMatch(LOWER_UUID_ANSWER)
    })

    it('answers the same id when the same serial number is assigned again, in any case', async () => {
      const first = (await replace('SM11112222')).json
      expect((await replace('SM11112222')).json).toBe(first)
      expect((await replace('sm11112222')).json).toBe(first)
    })

    it('replaces the receiver: a new id, and the old serial number is free again', async () => {
      const first = (await replace('SM11112222')).json
      const second = await replace('SM99998888')
      expect(second.status).toBe(200)
      expect(second.json).not.toBe(first)
      expect((await check('SM99998888')).json).toBe('AssignedToYou')
      expect((await check('SM11112222')).json).toBe('NotAssigned')
      expect((await receiverId()).json).toBe(second.json)

      const other = await otherPublisher()
      expect((await replace('SM11112222', other)).status).toBe(200)
    })

    it('answers SerialNumberAssignedToSomeoneElse and keeps the current receiver', async () => {
      const other = await otherPublisher()
      expect((await replace('SM22223333', other)).status).toBe(200)
      const mine = (await replace('SM11112222')).json
      expectFault(await replace('SM22223333'), 'SerialNumberAssignedToSomeoneElse')
      expectFault(await replace('sm22223333'), 'SerialNumberAssignedToSomeoneElse')
      expect((await receiverId()).json).toBe(mine)
      expect((await check('SM22223333', other)).json).toBe('AssignedToYou')
    })
  })

  describe('GetMonitoredReceiverIdIfEnabled', () => {
    it('answers the id ReplacePublisherAccountMonitoredReceiver gave', async () => {
      const assigned = await replace('SM11112222')
      const result = await receiverId()
      expect(result.status).toBe(200)
      expect(result.text).toBe(assigned.text)
    })

    it('answers the id of a receiver StartRemoteMonitoringSession assigned', async () => {
      expectEmpty(await start('SM11112222'))
      expect((await receiverId()).text).toMatch(LOWER_UUID_ANSWER)
    })

    it('answers MonitoredReceiverNotAssigned without a receiver', async () => {
      expectFault(await receiverId(), 'MonitoredReceiverNotAssigned')
    })
  })

  describe('StopMonitoringReceiver', () => {
    it('unassigns the receiver with an empty 200, freeing its serial number', async () => {
      const id = (await replace('SM11112222')).json as string
      expectEmpty(await stopReceiver(id))
      expectFault(await receiverId(), 'MonitoredReceiverNotAssigned')
      expect((await check('SM11112222')).json).toBe('NotAssigned')
      const other = await otherPublisher()
      expect((await replace('SM11112222', other)).status).toBe(200)
    })

    it('accepts the receiver id in upper case', async () => {
      const id = (await replace('SM11112222')).json as string
      expectEmpty(await stopReceiver(id.toUpperCase()))
      expectFault(await receiverId(), 'MonitoredReceiverNotAssigned')
    })

    it('answers MonitoredReceiverNotAssigned for an id that is not the account receiver', async () => {
      const id = (await replace('SM11112222')).json as string
      expectFault(await stopReceiver(randomUUID()), 'MonitoredReceiverNotAssigned')
      expect((await receiverId()).json).toBe(id)
    })

    it("cannot unassign another publisher's receiver", async () => {
      const other = await otherPublisher()
      const theirs = (await replace('SM22223333', other)).json as string
      expectFault(await stopReceiver(theirs), 'MonitoredReceiverNotAssigned')
      expect((await check('SM22223333', other)).json).toBe('AssignedToYou')
    })

    it('answers InvalidArgument for a receiver id that is not a UUID', async () => {
      await replace('SM11112222')
      expectFault(await stopReceiver('receiver-1'), 'InvalidArgument')
    })
  })
})

describe("xDrip+ uploader's session set-up (spec 3.3)", () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(async () => {
    await server.close()
  })

  /**
  Runs the order xDrip+'s ShareRest follows: check the cached session, then ByName login,
  Authenticate (with its stray query parameters), Start, Check, and Replace when not assigned.
  Answers the session id, as xDrip+ keeps it for uploads.
  */
  async function xdripSetUp(accountName: string, password: string, serial: string) {
    const applicationId = DEXCOM_APPLICATION_ID
    const cached = await server.call('Publisher/IsRemoteMonitoringSessionActive', {
      query: { sessionId: randomUUID() },
      body: '',
      contentType: 'application/json',
    })
    expect(cached.status).toBe(500)

    const login = await server.call('General/LoginPublisherAccountByName', {
      body: { accountName, password, applicationId },
    })
    expect(login.status).toBe(200)
    const sessionId = login.json as string

    const auth = await server.call('General/AuthenticatePublisherAccount', {
      query: { sessionId, serialNumber: serial },
      body: { accountName, password, applicationId },
    })
    expect(auth.status).toBe(200)

    // xDrip+ ignores the answer of StartRemoteMonitoringSession.
    await server.call('Publisher/StartRemoteMonitoringSession', {
      query: { sessionId, serialNumber: serial },
      body: '',
    })
    const status = await server.call('Publisher/CheckMonitoredReceiverAssignmentStatus', {
      query: { sessionId, serialNumber: serial },
      body: '',
    })
    expect(status.status).toBe(200)
    if (status.json !== 'AssignedToYou') {
      const replaced = await server.call('Publisher/ReplacePublisherAccountMonitoredReceiver', {
        query: { sessionId, serialNumber: serial },
        body: '',
      })
      expect(replaced.status).toBe(200)
    }
    return sessionId
  }

  const upload = (sessionId: string, serial: string, value: number) =>
    server.call('Publisher/PostReceiverEgvRecords', {
      query: { sessionId },
      body: egvBody(serial, server.clock.now(), [{ minutesAgo: 0, value }]),
    })

  it('ends with uploads accepted and readable for a new account', async () => {
    await server.addAccount({ username: 'pat.doe', password: 'long enough pw' })
    const sessionId = await xdripSetUp('pat.doe', 'long enough pw', 'SM00000000')

    expect(
      (await server.call('Publisher/IsRemoteMonitoringSessionActive', { query: { sessionId } }))
        .text,
    ).toBe('true')
    const posted = await upload(sessionId, 'SM00000000', 123)
    expect(posted.status, posted.text).toBe(200)
    expect(posted.text).toBe('')

    const read = await server.call('Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionId, minutes: 10, maxCount: 1 },
    })
    expect((read.json as { Value: number }[]).map((r) => r.Value)).toEqual([123])
  })

  it('ends with uploads accepted after the account had another receiver with monitoring stopped', async () => {
    const { account } = await server.addAccount({ username: 'pat.doe', password: 'long enough pw' })
    const earlier = await server.login(account, 'long enough pw')
    expect(
      (
        await server.call('Publisher/ReplacePublisherAccountMonitoredReceiver', {
          query: { sessionId: earlier, serialNumber: 'SM55556666' },
        })
      ).status,
    ).toBe(200)

    // Start switches to the new serial and opens monitoring in one round: xDrip+ never starts
    // again after a failed upload, so a second round would not come.
    const sessionId = await xdripSetUp('pat.doe', 'long enough pw', 'SM00000000')
    const posted = await upload(sessionId, 'SM00000000', 141)
    expect(posted.status, posted.text).toBe(200)
    expect(posted.text).toBe('')
  })
})
