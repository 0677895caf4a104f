import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEXCOM_APPLICATION_ID } from '@glucoshare/sdk'
import { startTestServer, type TestServer } from '../../test-support.js'
import { expectFault } from '../../test-expect.js'

const LOWER_UUID_ANSWER = /^"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"$/

describe('General/LoginSubscriberAccount', () => {
  let server: TestServer
  beforeEach(async () => {
    server = await startTestServer({ config: { lockoutMaxAttempts: 3, lockoutWindowMs: 60_000 } })
  })
  afterEach(async () => {
    await server.close()
  })

  const login = (accountId: string, password: string) =>
    server.call('General/LoginSubscriberAccount', {
      body: { accountId, password, applicationId: DEXCOM_APPLICATION_ID },
    })

  it("opens a follower session for the follower's account id and answers a bare string", async () => {
    const { account, password } = await server.addAccount({ kind: 'follower' })
    const result = await login(account.id.toUpperCase(), password)
    expect(result.status).toBe(200)
    expect(result.headers['content-type']).toMatch(/^application\/json/)
    expect(result.text).toMatch(LOWER_UUID_ANSWER)
    expect(result.text).toHaveLength(38)
    const session = await server.store.findSession(result.json as string)
    expect(session).toMatchObject({ accountId: account.id, kind: 'follower' })
  })

  it('takes the parameters from the query string too', async () => {
    const { account, password } = await server.addAccount({ kind: 'follower' })
    const result = await server.call('General/LoginSubscriberAccount', {
      query: { accountId: account.id, password },
    })
    expect(result.text).toMatch(LOWER_UUID_ANSWER)
  })

  it('refuses a follower session on publisher operations as an unknown session', async () => {
    const { account, password } = await server.addAccount({ kind: 'follower' })
    const sessionId = (await login(account.id, password)).json as string
    expectFault(
      await server.call('Publisher/ReadPublisherLatestGlucoseValues', {
        query: { sessionId, minutes: 1440, maxCount: 1 },
      }),
      'SessionIdNotFound',
    )
  })

  it("refuses a publisher's credentials as AccountPasswordInvalid", async () => {
    const { account, password } = await server.addAccount()
    expectFault(await login(account.id, password), 'AccountPasswordInvalid')
  })

  it('refuses a follower at the publisher logins as AccountPasswordInvalid', async () => {
    const { account, password } = await server.addAccount({ kind: 'follower' })
    expectFault(
      await server.call('General/LoginPublisherAccountById', {
        body: { accountId: account.id, password },
      }),
      'AccountPasswordInvalid',
    )
  })

  it('answers AccountPasswordInvalid for a wrong password and for an unknown account id', async () => {
    const { account } = await server.addAccount({ kind: 'follower' })
    expectFault(await login(account.id, 'not the password'), 'AccountPasswordInvalid')
    expectFault(
      await login('7777aaaa-7777-4777-8777-777777777777', 'whatever pw'),
      'AccountPasswordInvalid',
    )
  })

  it('answers InvalidArgument for an account id that is not a UUID, and for a missing password', async () => {
    const { account } = await server.addAccount({ kind: 'follower' })
    const body = expectFault(await login('follower-name', 'whatever pw'), 'InvalidArgument')
    expect(String(body['Message'])).toMatch(/UUID/)
    const missing = expectFault(
      await server.call('General/LoginSubscriberAccount', { body: { accountId: account.id } }),
      'InvalidArgument',
    )
    expect(String(missing['Message'])).toMatch(/password/)
  })

  it('locks the follower out after repeated failures, until the window passes', async () => {
    const { account, password } = await server.addAccount({ kind: 'follower' })
    expectFault(await login(account.id, 'wrong one'), 'AccountPasswordInvalid')
    expectFault(await login(account.id, 'wrong two'), 'AccountPasswordInvalid')
    expectFault(await login(account.id, 'wrong three'), 'SSO_AuthenticateMaxAttemptsExceeed')
    expectFault(await login(account.id, password), 'SSO_AuthenticateMaxAttemptsExceeed')
    server.clock.advance(60_001)
    expect((await login(account.id, password)).text).toMatch(LOWER_UUID_ANSWER)
  })

  it('never puts the password in a fault message', async () => {
    const { account } = await server.addAccount({ kind: 'follower' })
    const result = await login(account.id, 'secret-looking-wrong-pw')
    expect(result.text).not.toContain('secret-looking-wrong-pw')
  })
})
