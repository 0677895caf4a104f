import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import {
  DEXCOM_APPLICATION_ID,
  DEXCOM_APPLICATION_ID_JP,
  DEXCOM_DEFAULT_UUID,
} from '@glucoshare/sdk'
import { startTestServer, type CallResult, type TestServer } from '../../test-support.js'
import { expectFault } from '../../test-expect.js'

const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const HOUR = 60 * 60_000

/** Asserts a Share fault envelope with the given code and HTTP status. */

/** Asserts a successful login answer: a bare JSON string holding a lower-case UUID. */
function expectUuidAnswer(result: CallResult): string {
  expect(result.status, result.text).toBe(200)
  expect(result.headers['content-type']).toMatch(/^application\/json/)
  expect(result.text).toMatch(/^"[0-9a-f-]{36}"$/)
  expect(result.text).toHaveLength(38)
  expect(result.headers['content-length']).toBe('38')
  const value = result.json as string
  expect(value).toMatch(LOWER_UUID)
  expect(value).not.toBe(DEXCOM_DEFAULT_UUID)
  return value
}

const PASSWORD = 'correct horse'

describe('General/SystemUtcTime', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(async () => {
    await server.close()
  })

  it.each(['GET', 'POST'] as const)(
    'answers the clock time in object form over %s',
    async (method) => {
      const result = await server.call('General/SystemUtcTime', { method, contentType: null })
      expect(result.status).toBe(200)
      expect(result.headers['content-type']).toMatch(/^application\/json/)
      expect(result.json).toEqual({
        DateTime: `/Date(${server.clock.now()})/`,
        OffsetMinutes: 0,
      })
    },
  )

  it('follows the server clock as it moves', async () => {
    server.clock.advance(90_000)
    const result = await server.call('General/SystemUtcTime', { method: 'GET', contentType: null })
    expect(result.json).toEqual({ DateTime: `/Date(${server.clock.now()})/`, OffsetMinutes: 0 })
  })
})

describe('publisher logins', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(async () => {
    await server.close()
  })

  const byName = (
    accountName: string,
    password = PASSWORD,
    applicationId = DEXCOM_APPLICATION_ID,
  ) => ({ accountName, password, applicationId }) as Record<string, string>

  describe('AuthenticatePublisherAccount', () => {
    it('answers the account id for the username', async () => {
      const { account } = await server.addAccount({ username: 'pat.doe' })
      const result = await server.call('General/AuthenticatePublisherAccount', {
        body: byName('pat.doe'),
      })
      expect(expectUuidAnswer(result)).toBe(account.id)
    })

    it('matches the username without regard to letter case', async () => {
      const { account } = await server.addAccount({ username: 'pat.doe' })
      const result = await server.call('General/AuthenticatePublisherAccount', {
        body: byName('PAT.Doe'),
      })
      expect(expectUuidAnswer(result)).toBe(account.id)
    })

    it('answers the account id for the email address, in any letter case', async () => {
      const { account } = await server.addAccount({ email: 'pat@example.org' })
      for (const email of ['pat@example.org', 'Pat@Example.ORG']) {
        const result = await server.call('General/AuthenticatePublisherAccount', {
          body: byName(email),
        })
        expect(expectUuidAnswer(result)).toBe(account.id)
      }
    })

    it('answers the account id for the phone number, typed compactly or with spaces and dashes', async () => {
      const { account } = await server.addAccount({ phone: '+15550102030' })
      for (const phone of ['+15550102030', '+1 555 010-2030', '+1 (555) 010.2030']) {
        const result = await server.call('General/AuthenticatePublisherAccount', {
          body: byName(phone),
        })
        expect(expectUuidAnswer(result)).toBe(account.id)
      }
    })

    it('accepts both known application ids, in either letter case', async () => {
      const { account } = await server.addAccount({ username: 'pat.doe' })
      for (const applicationId of [
        DEXCOM_APPLICATION_ID,
        DEXCOM_APPLICATION_ID_JP,
        DEXCOM_APPLICATION_ID.toUpperCase(),
        DEXCOM_APPLICATION_ID_JP.toUpperCase(),
      ]) {
        const result = await server.call('General/AuthenticatePublisherAccount', {
          body: byName('pat.doe', PASSWORD, applicationId),
        })
        expect(expectUuidAnswer(result)).toBe(account.id)
      }
    })

    it('answers AccountPasswordInvalid for a wrong password and for an unknown user alike', async () => {
      await server.addAccount({ username: 'pat.doe' })
      const wrong = await server.call('General/AuthenticatePublisherAccount', {
        body: byName('pat.doe', 'wrong horse'),
      })
      const unknown = await server.call('General/AuthenticatePublisherAccount', {
        body: byName('nobody.here', PASSWORD),
      })
      const a = expectFault(wrong, 'AccountPasswordInvalid')
      const b = expectFault(unknown, 'AccountPasswordInvalid')
      expect(a['Message']).toBe(b['Message'])
      expect(wrong.text).not.toContain('wrong horse')
      expect(unknown.text).not.toContain(PASSWORD)
    })

    it('answers InvalidArgument naming accountName when it is empty', async () => {
      const result = await server.call('General/AuthenticatePublisherAccount', {
        body: byName(''),
      })
      const fault = expectFault(result, 'InvalidArgument')
      expect(fault['Message']).toContain('accountName')
    })

    it('answers InvalidArgument naming password when it is empty or missing', async () => {
      await server.addAccount({ username: 'pat.doe' })
      const empty = await server.call('General/AuthenticatePublisherAccount', {
        body: byName('pat.doe', ''),
      })
      expect(expectFault(empty, 'InvalidArgument')['Message']).toContain('password')
      const missing = await server.call('General/AuthenticatePublisherAccount', {
        body: { accountName: 'pat.doe', applicationId: DEXCOM_APPLICATION_ID },
      })
      expect(expectFault(missing, 'InvalidArgument')['Message']).toContain('password')
    })

    it('reads its parameters from the query string when there is no body', async () => {
      const { account } = await server.addAccount({ username: 'pat.doe' })
      const result = await server.call('General/AuthenticatePublisherAccount', {
        query: byName('pat.doe'),
        contentType: null,
      })
      expect(expectUuidAnswer(result)).toBe(account.id)
    })

    it('ignores the extra sessionId and serialNumber query parameters xDrip+ sends', async () => {
      const { account } = await server.addAccount({ username: 'pat.doe' })
      const result = await server.call('General/AuthenticatePublisherAccount', {
        query: { sessionId: 'not-a-session', serialNumber: 'SM00000000' },
        body: byName('pat.doe'),
      })
      expect(expectUuidAnswer(result)).toBe(account.id)
    })

    it('refuses a follower account', async () => {
      await server.addAccount({ username: 'follower.one', kind: 'follower' })
      const result = await server.call('General/AuthenticatePublisherAccount', {
        body: byName('follower.one'),
      })
      expectFault(result, 'AccountPasswordInvalid')
    })
  })

  describe('LoginPublisherAccountById', () => {
    it('answers a lower-case session id that opens publisher operations', async () => {
      const { account } = await server.addAccount()
      const result = await server.call('General/LoginPublisherAccountById', {
        body: { accountId: account.id, password: PASSWORD, applicationId: DEXCOM_APPLICATION_ID },
      })
      const sessionId = expectUuidAnswer(result)
      expect(sessionId).not.toBe(account.id)
      const active = await server.call('Publisher/IsRemoteMonitoringSessionActive', {
        query: { sessionId },
      })
      expect(active.status).toBe(200)
      expect(active.text).toBe('false')
    })

    it('accepts an upper-case account id and answers lower case', async () => {
      const { account } = await server.addAccount()
      const result = await server.call('General/LoginPublisherAccountById', {
        body: {
          accountId: account.id.toUpperCase(),
          password: PASSWORD,
          applicationId: DEXCOM_APPLICATION_ID_JP.toUpperCase(),
        },
      })
      expectUuidAnswer(result)
    })

    it('opens a new session on every login', async () => {
      const { account } = await server.addAccount()
      const first = await server.login(account)
      const second = await server.login(account)
      expect(first).not.toBe(second)
      expect([first, second]).not.toContain(DEXCOM_DEFAULT_UUID)
    })

    it('answers AccountPasswordInvalid for a wrong password and for an unknown account id', async () => {
      const { account } = await server.addAccount()
      const wrong = await server.call('General/LoginPublisherAccountById', {
        body: { accountId: account.id, password: 'wrong horse' },
      })
      const unknown = await server.call('General/LoginPublisherAccountById', {
        body: { accountId: randomUUID(), password: PASSWORD },
      })
      expectFault(wrong, 'AccountPasswordInvalid')
      expectFault(unknown, 'AccountPasswordInvalid')
      expect(wrong.text).not.toContain('wrong horse')
    })

    it('answers InvalidArgument mentioning UUID for an account id that is not one', async () => {
      const result = await server.call('General/LoginPublisherAccountById', {
        body: { accountId: 'pat.doe', password: PASSWORD, applicationId: DEXCOM_APPLICATION_ID },
      })
      expect(expectFault(result, 'InvalidArgument')['Message']).toContain('UUID')
    })

    it('answers InvalidArgument naming password when it is empty', async () => {
      const { account } = await server.addAccount()
      const result = await server.call('General/LoginPublisherAccountById', {
        body: { accountId: account.id, password: '' },
      })
      expect(expectFault(result, 'InvalidArgument')['Message']).toContain('password')
    })

    it('reads its parameters from the query string, as nightscout-connect adds applicationId there', async () => {
      const { account } = await server.addAccount()
      const result = await server.call('General/LoginPublisherAccountById', {
        query: { accountId: account.id, password: PASSWORD, applicationId: DEXCOM_APPLICATION_ID },
        contentType: null,
      })
      expectUuidAnswer(result)
      const mixed = await server.call('General/LoginPublisherAccountById', {
        query: { applicationId: DEXCOM_APPLICATION_ID },
        body: { accountId: account.id, password: PASSWORD },
      })
      expectUuidAnswer(mixed)
    })

    it('refuses a follower account', async () => {
      const { account } = await server.addAccount({ kind: 'follower' })
      const result = await server.call('General/LoginPublisherAccountById', {
        body: { accountId: account.id, password: PASSWORD },
      })
      expectFault(result, 'AccountPasswordInvalid')
    })
  })

  describe('LoginPublisherAccountByName', () => {
    it('answers a real session id for the username, email and phone number', async () => {
      await server.addAccount({
        username: 'pat.doe',
        email: 'pat@example.org',
        phone: '+15550102030',
      })
      for (const name of ['pat.doe', 'pat@example.org', '+15550102030', '+1 555 010-2030']) {
        const result = await server.call('General/LoginPublisherAccountByName', {
          body: byName(name),
        })
        const sessionId = expectUuidAnswer(result)
        const active = await server.call('Publisher/IsRemoteMonitoringSessionActive', {
          query: { sessionId },
        })
        expect(active.text).toBe('false')
      }
    })

    it('accepts both known application ids, in either letter case', async () => {
      await server.addAccount({ username: 'pat.doe' })
      for (const applicationId of [
        DEXCOM_APPLICATION_ID,
        DEXCOM_APPLICATION_ID_JP,
        DEXCOM_APPLICATION_ID.toUpperCase(),
        DEXCOM_APPLICATION_ID_JP.toUpperCase(),
      ]) {
        const result = await server.call('General/LoginPublisherAccountByName', {
          body: byName('pat.doe', PASSWORD, applicationId),
        })
        expectUuidAnswer(result)
      }
    })

    it('answers AccountPasswordInvalid, not the all-zeros UUID, for bad credentials', async () => {
      await server.addAccount({ username: 'pat.doe' })
      const wrong = await server.call('General/LoginPublisherAccountByName', {
        body: byName('pat.doe', 'wrong horse'),
      })
      const unknown = await server.call('General/LoginPublisherAccountByName', {
        body: byName('nobody.here'),
      })
      expectFault(wrong, 'AccountPasswordInvalid')
      expectFault(unknown, 'AccountPasswordInvalid')
      expect(wrong.text).not.toContain(DEXCOM_DEFAULT_UUID)
    })

    it('answers InvalidArgument naming the empty field', async () => {
      const noName = await server.call('General/LoginPublisherAccountByName', { body: byName('') })
      expect(expectFault(noName, 'InvalidArgument')['Message']).toContain('accountName')
      const noPassword = await server.call('General/LoginPublisherAccountByName', {
        body: byName('pat.doe', ''),
      })
      expect(expectFault(noPassword, 'InvalidArgument')['Message']).toContain('password')
    })

    it('reads its parameters from the query string when there is no body', async () => {
      await server.addAccount({ username: 'pat.doe' })
      const result = await server.call('General/LoginPublisherAccountByName', {
        query: byName('pat.doe'),
        contentType: null,
      })
      expectUuidAnswer(result)
    })

    it('refuses a follower account', async () => {
      await server.addAccount({ username: 'follower.one', kind: 'follower' })
      const result = await server.call('General/LoginPublisherAccountByName', {
        body: byName('follower.one'),
      })
      expectFault(result, 'AccountPasswordInvalid')
    })
  })
})

describe('login lockout', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({ config: { lockoutMaxAttempts: 3, lockoutWindowMs: 60_000 } })
  })
  afterEach(async () => {
    await server.close()
  })

  const authenticate = (accountName: string, password: string) =>
    server.call('General/AuthenticatePublisherAccount', {
      body: { accountName, password, applicationId: DEXCOM_APPLICATION_ID },
    })

  it('locks the account after the configured failures, even for the right password, until the window passes', async () => {
    const { account } = await server.addAccount({ username: 'pat.doe' })
    expectFault(await authenticate('pat.doe', 'wrong one'), 'AccountPasswordInvalid')
    expectFault(await authenticate('pat.doe', 'wrong two'), 'AccountPasswordInvalid')
    expectFault(await authenticate('pat.doe', 'wrong three'), 'SSO_AuthenticateMaxAttemptsExceeed')

    const locked = await authenticate('pat.doe', PASSWORD)
    const fault = expectFault(locked, 'SSO_AuthenticateMaxAttemptsExceeed')
    expect(String(fault['Message'])).not.toContain(PASSWORD)

    server.clock.advance(59_000)
    expectFault(await authenticate('pat.doe', PASSWORD), 'SSO_AuthenticateMaxAttemptsExceeed')

    server.clock.advance(1_001)
    expect(expectUuidAnswer(await authenticate('pat.doe', PASSWORD))).toBe(account.id)
  })

  it('counts failures per account across the by-name and by-id logins', async () => {
    const { account } = await server.addAccount({ username: 'pat.doe' })
    for (let i = 0; i < 3; i += 1) await authenticate('pat.doe', `wrong ${i}`)
    const byId = await server.call('General/LoginPublisherAccountById', {
      body: { accountId: account.id, password: PASSWORD },
    })
    expectFault(byId, 'SSO_AuthenticateMaxAttemptsExceeed')
    const byEmailName = await server.call('General/LoginPublisherAccountByName', {
      body: { accountName: 'PAT.DOE', password: PASSWORD },
    })
    expectFault(byEmailName, 'SSO_AuthenticateMaxAttemptsExceeed')
  })

  it('does not lock other accounts', async () => {
    await server.addAccount({ username: 'pat.doe' })
    const { account: other } = await server.addAccount({ username: 'sam.roe' })
    for (let i = 0; i < 3; i += 1) await authenticate('pat.doe', `wrong ${i}`)
    expect(expectUuidAnswer(await authenticate('sam.roe', PASSWORD))).toBe(other.id)
  })

  it('clears the failure count after a successful login', async () => {
    const { account } = await server.addAccount({ username: 'pat.doe' })
    expectFault(await authenticate('pat.doe', 'wrong one'), 'AccountPasswordInvalid')
    expectFault(await authenticate('pat.doe', 'wrong two'), 'AccountPasswordInvalid')
    expectUuidAnswer(await authenticate('pat.doe', PASSWORD))
    expectFault(await authenticate('pat.doe', 'wrong three'), 'AccountPasswordInvalid')
    expectFault(await authenticate('pat.doe', 'wrong four'), 'AccountPasswordInvalid')
    expect(expectUuidAnswer(await authenticate('pat.doe', PASSWORD))).toBe(account.id)
  })

  it('also locks an unknown account name, so probing cannot tell names apart', async () => {
    expectFault(await authenticate('nobody.here', 'guess one'), 'AccountPasswordInvalid')
    expectFault(await authenticate('nobody.here', 'guess two'), 'AccountPasswordInvalid')
    expectFault(
      await authenticate('nobody.here', 'guess three'),
      'SSO_AuthenticateMaxAttemptsExceeed',
    )
    expectFault(
      await authenticate('Nobody.Here', 'guess four'),
      'SSO_AuthenticateMaxAttemptsExceeed',
    )
    server.clock.advance(60_001)
    expectFault(await authenticate('nobody.here', 'guess five'), 'AccountPasswordInvalid')
  })

  it('locks an unknown account id too', async () => {
    const accountId = randomUUID()
    const attempt = () =>
      server.call('General/LoginPublisherAccountById', {
        body: { accountId, password: 'guess' },
      })
    expectFault(await attempt(), 'AccountPasswordInvalid')
    expectFault(await attempt(), 'AccountPasswordInvalid')
    expectFault(await attempt(), 'SSO_AuthenticateMaxAttemptsExceeed')
    expectFault(await attempt(), 'SSO_AuthenticateMaxAttemptsExceeed')
  })
})

describe('session lifetime', () => {
  let server: TestServer
  afterEach(async () => {
    await server.close()
  })

  const read = (sessionId: string) =>
    server.call('Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionId, minutes: 1440, maxCount: 1 },
    })

  it('keeps a session for 24 hours, then answers SessionNotValid', async () => {
    server = await startTestServer()
    const { account } = await server.addAccount()
    const sessionId = await server.login(account)
    expect((await read(sessionId)).text).toBe('[]')

    server.clock.advance(24 * HOUR - 1)
    expect((await read(sessionId)).status).toBe(200)

    server.clock.advance(1)
    const expired = await read(sessionId)
    expectFault(expired, 'SessionNotValid')
    expect(expired.text).not.toContain(sessionId)

    const renewed = await server.login(account)
    expect((await read(renewed)).status).toBe(200)
  })

  it('answers SessionIdNotFound for a well-formed session id it never issued', async () => {
    server = await startTestServer()
    const unknown = randomUUID()
    const result = await read(unknown)
    expectFault(result, 'SessionIdNotFound')
    expect(result.text).not.toContain(unknown)
  })

  it('answers HTTP 400 for a session id that is not a UUID', async () => {
    server = await startTestServer()
    const result = await read('bad')
    expectFault(result, 'InvalidArgument', 400)
  })

  it('answers HTTP 400 when the session id is missing', async () => {
    server = await startTestServer()
    const result = await server.call('Publisher/ReadPublisherLatestGlucoseValues', {
      query: { minutes: 1440, maxCount: 1 },
    })
    expectFault(result, 'InvalidArgument', 400)
  })

  it('expires sessions after a configured sessionTtlMs', async () => {
    server = await startTestServer({ config: { sessionTtlMs: 10 * 60_000 } })
    const { account } = await server.addAccount()
    const sessionId = await server.login(account)
    server.clock.advance(10 * 60_000 - 1)
    expect((await read(sessionId)).status).toBe(200)
    server.clock.advance(1)
    expectFault(await read(sessionId), 'SessionNotValid')
  })

  it('accepts the session id in upper case', async () => {
    server = await startTestServer()
    const { account } = await server.addAccount()
    const sessionId = await server.login(account)
    expect((await read(sessionId.toUpperCase())).status).toBe(200)
  })
})
