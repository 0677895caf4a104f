import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { startTestServer, type TestServer } from '../../test-support.js'
import type { Account } from '../../store/store.js'
import { expectEmpty, expectFault } from '../../test-expect.js'

const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ZERO_ID = '00000000-0000-0000-0000-000000000000'
const WEEK_MS = 604_800_000

/** The invitation body xDrip+'s `InvitationPayload` sends (spec §4.6). */
const XDU_PAYLOAD = {
  AlertSettings: {
    HighAlert: alert(1, 200, 401, 'PT1H', 'PT2H', 'High.wav'),
    LowAlert: alert(2, 39, 70, 'PT30M', 'PT2H', 'Low.wav'),
    FixedLowAlert: alert(3, 39, 55, 'PT0M', 'PT30M', 'UrgentLow.wav'),
    NoDataAlert: alert(4, 39, 401, 'PT1H', 'PT0M', 'NoData.wav'),
  },
  Permissions: 1,
  DisplayName: 'Sam',
}

function alert(
  type: number,
  min: number,
  max: number,
  delay: string,
  realarm: string,
  sound: string,
) {
  return {
    AlertType: type,
    IsEnabled: false,
    MinValue: min,
    MaxValue: max,
    AlarmDelay: delay,
    RealarmDelay: realarm,
    Sound: sound,
  }
}

describe('publisher follower management', () => {
  let server: TestServer
  let sessionId: string
  let accountId: string
  let publisher: Account

  beforeEach(async () => {
    server = await startTestServer()
    const { account } = await server.addAccount({ displayName: 'Publisher Pat' })
    accountId = account.id
    publisher = account
    sessionId = await server.login(account)
  })
  afterEach(async () => {
    await server.close()
  })

  async function otherPublisher(): Promise<string> {
    const { account } = await server.addAccount()
    return server.login(account)
  }

  const call = (op: string, query: Record<string, string | number>, body?: unknown) =>
    server.call(op, { query: { sessionId, ...query }, ...(body === undefined ? {} : { body }) })
  const callAs = (session: string, op: string, query: Record<string, string | number>) =>
    server.call(op, { query: { sessionId: session, ...query } })

  async function newContact(name = 'Mum', email = 'mum@example.test'): Promise<string> {
    const result = await call('Publisher/CreateContact', { contactName: name, emailAddress: email })
    expect(result.status, result.text).toBe(200)
    expect(result.json).toMatch(LOWER_UUID)
    return result.json as string
  }

  async function invite(contactId: string, body: unknown = XDU_PAYLOAD): Promise<string> {
    const result = await call('Publisher/CreateSubscriptionInvitation', { contactId }, body)
    expect(result.status, result.text).toBe(200)
    expect(result.json).toMatch(LOWER_UUID)
    return result.json as string
  }

  async function list(): Promise<Record<string, unknown>[]> {
    const result = await call('Publisher/ListPublisherAccountSubscriptions', {})
    expect(result.status, result.text).toBe(200)
    return result.json as Record<string, unknown>[]
  }

  describe('contacts', () => {
    it('answers whether a live contact has the name, whatever the letter case', async () => {
      const exists = (contactName: string) =>
        call('Publisher/DoesContactExistByName', { contactName })
      expect((await exists('Mum')).json).toBe(false)
      const contactId = await newContact('Mum')
      expect((await exists('mUM')).text).toBe('true')
      expectEmpty(await call('Publisher/DeleteContact', { contactId }))
      expect((await exists('Mum')).json).toBe(false)
    })

    it('creates a contact and reads it back', async () => {
      const contactId = await newContact(' Mum ', 'mum@example.test')
      const result = await call('Publisher/ReadContact', { contactId: contactId.toUpperCase() })
      expect(result.status).toBe(200)
      expect(result.json).toEqual({
        ContactId: contactId,
        Email: 'mum@example.test',
        Name: 'Mum',
        PublisherAccountId: accountId,
        State: 0,
        SubscriptionId: ZERO_ID,
      })
    })

    it('refuses a malformed email address with InvalidEmailAddress', async () => {
      for (const emailAddress of ['not-an-email', 'a@b', 'two words@example.test', '']) {
        expectFault(
          await call('Publisher/CreateContact', { contactName: 'Mum', emailAddress }),
          'InvalidEmailAddress',
        )
      }
      expect(await list()).toEqual([])
    })

    it('refuses a name a live contact already has with ContactNameAlreadyExists', async () => {
      await newContact('Mum')
      const fault = expectFault(
        await call('Publisher/CreateContact', {
          contactName: 'MUM',
          emailAddress: 'other@example.test',
        }),
        'ContactNameAlreadyExists',
      )
      expect(fault['Message']).toBe('The contact name already exists for this account')
    })

    it('refuses an empty or blank contact name with InvalidArgument', async () => {
      for (const contactName of ['', '   ']) {
        expectFault(
          await call('Publisher/CreateContact', { contactName, emailAddress: 'a@example.test' }),
          'InvalidArgument',
        )
      }
    })

    it('renames a contact and refuses a name another contact has', async () => {
      const contactId = await newContact('Mum')
      await newContact('Dad', 'dad@example.test')
      expectEmpty(await call('Publisher/UpdateContactName', { contactId, contactName: 'Mother' }))
      expect((await call('Publisher/ReadContact', { contactId })).json).toMatchObject({
        Name: 'Mother',
      })
      expectFault(
        await call('Publisher/UpdateContactName', { contactId, contactName: 'dad' }),
        'ContactNameAlreadyExists',
      )
      expectFault(
        await call('Publisher/UpdateContactName', { contactId: randomUUID(), contactName: 'X' }),
        'ContactIdNotFound',
      )
    })

    it('answers ContactIdNotFound for an unknown contact and InvalidArgument for a bad id', async () => {
      expectFault(
        await call('Publisher/ReadContact', { contactId: randomUUID() }),
        'ContactIdNotFound',
      )
      expectFault(await call('Publisher/ReadContact', { contactId: 'nope' }), 'InvalidArgument')
      expectFault(
        await call('Publisher/DeleteContact', { contactId: randomUUID() }),
        'ContactIdNotFound',
      )
      expectFault(await call('Publisher/DeleteContact', { contactId: '1234' }), 'InvalidArgument')
    })

    it('deletes a contact once, then answers ContactAlreadyDeleted', async () => {
      const contactId = await newContact()
      expectEmpty(await call('Publisher/DeleteContact', { contactId }))
      expectFault(await call('Publisher/DeleteContact', { contactId }), 'ContactAlreadyDeleted')
      expectFault(await call('Publisher/ReadContact', { contactId }), 'ContactIdNotFound')
      // The name is free again.
      await newContact('Mum')
    })

    it('allows ten followers by default and answers InvalidArgument for the eleventh', async () => {
      const ids: string[] = []
      for (let i = 1; i <= 10; i += 1) ids.push(await newContact(`F${i}`, `f${i}@example.test`))
      const fault = expectFault(
        await call('Publisher/CreateContact', {
          contactName: 'F11',
          emailAddress: 'f11@example.test',
        }),
        'InvalidArgument',
      )
      expect(fault['Message']).toMatch(/most followers allowed \(10\)/)
      expect(await list()).toHaveLength(10)
      expectEmpty(await call('Publisher/DeleteContact', { contactId: ids[0]! }))
      await newContact('F11', 'f11@example.test')
    })

    it('uses the configured follower cap', async () => {
      await server.close()
      server = await startTestServer({ config: { maxFollowers: 1 } })
      const { account } = await server.addAccount()
      sessionId = await server.login(account)
      await newContact('One')
      expectFault(
        await call('Publisher/CreateContact', {
          contactName: 'Two',
          emailAddress: 'two@example.test',
        }),
        'InvalidArgument',
      )
    })
  })

  describe('subscriptions', () => {
    it('invites with the xDrip+ payload and reads the alerts back exactly', async () => {
      const subscriptionId = await invite(await newContact())
      const alerts = await call('General/ReadSubscriptionAlerts', { subscriptionId })
      expect(alerts.status).toBe(200)
      expect(alerts.json).toEqual(XDU_PAYLOAD.AlertSettings)
    })

    it('fills in xDrip+ defaults for alerts and fields left out', async () => {
      const subscriptionId = await invite(await newContact(), {
        AlertSettings: { FixedLowAlert: { IsEnabled: true, MaxValue: 50, AlarmDelay: 'PT15M' } },
      })
      const alerts = (await call('General/ReadSubscriptionAlerts', { subscriptionId })).json
      expect(alerts).toEqual({
        ...XDU_PAYLOAD.AlertSettings,
        FixedLowAlert: { ...alert(3, 39, 50, 'PT15M', 'PT30M', 'UrgentLow.wav'), IsEnabled: true },
      })
      const [follower] = await list()
      expect(follower).toMatchObject({ Permissions: 1, DisplayName: 'Publisher Pat' })
    })

    it('accepts .NET TimeSpan delays and answers them as ISO durations', async () => {
      const subscriptionId = await invite(await newContact(), {
        AlertSettings: { HighAlert: { AlarmDelay: '01:30:00', RealarmDelay: 'PT3H' } },
        Permissions: 0,
      })
      const alerts = (await call('General/ReadSubscriptionAlerts', { subscriptionId })).json as {
        HighAlert: { AlarmDelay: string; RealarmDelay: string }
      }
      expect(alerts.HighAlert.AlarmDelay).toBe('PT1H30M')
      expect(alerts.HighAlert.RealarmDelay).toBe('PT3H')
    })

    it('refuses malformed alert settings with InvalidArgument and creates nothing', async () => {
      const contactId = await newContact()
      const bad: unknown[] = [
        { AlertSettings: { HighAlert: { AlarmDelay: 'soon' } } },
        { AlertSettings: { HighAlert: { AlarmDelay: 'PT90S' } } },
        { AlertSettings: { LowAlert: { RealarmDelay: 'PT25H' } } },
        { AlertSettings: { LowAlert: { AlertType: 1 } } },
        { AlertSettings: { LowAlert: { MinValue: 300, MaxValue: 100 } } },
        { AlertSettings: { LowAlert: { MaxValue: 900 } } },
        { AlertSettings: { NoDataAlert: 'off' } },
        { AlertSettings: 'none' },
        { Permissions: 2 },
        { Permissions: 'all' },
      ]
      for (const body of bad) {
        expectFault(
          await call('Publisher/CreateSubscriptionInvitation', { contactId }, body),
          'InvalidArgument',
        )
      }
      expect((await call('Publisher/ReadContact', { contactId })).json).toMatchObject({
        State: 0,
        SubscriptionId: ZERO_ID,
      })
    })

    it('refuses a second invitation while one is pending', async () => {
      const contactId = await newContact()
      await invite(contactId)
      const fault = expectFault(
        await call('Publisher/CreateSubscriptionInvitation', { contactId }, XDU_PAYLOAD),
        'InvalidArgument',
      )
      expect(fault['Message']).toMatch(/already has a pending or accepted subscription/)
    })

    it('answers ContactIdNotFound when inviting an unknown or deleted contact', async () => {
      expectFault(
        await call('Publisher/CreateSubscriptionInvitation', { contactId: randomUUID() }, {}),
        'ContactIdNotFound',
      )
      const contactId = await newContact()
      expectEmpty(await call('Publisher/DeleteContact', { contactId }))
      expectFault(
        await call('Publisher/CreateSubscriptionInvitation', { contactId }, XDU_PAYLOAD),
        'ContactIdNotFound',
      )
    })

    it('answers a separate invitation id for the subscription', async () => {
      const subscriptionId = await invite(await newContact())
      const result = await call('Publisher/ReadSubscriptionInviteId', { subscriptionId })
      expect(result.status).toBe(200)
      expect(result.json).toMatch(LOWER_UUID)
      expect(result.json).not.toBe(subscriptionId)
      expectFault(
        await call('Publisher/ReadSubscriptionInviteId', { subscriptionId: randomUUID() }),
        'InvalidArgument',
      )
    })

    it('lists a follower with every field of the spec and their exact types', async () => {
      const created = server.clock.now()
      const contactId = await newContact('Mum')
      const subscriptionId = await invite(contactId)
      const followers = await list()
      expect(followers).toHaveLength(1)
      const follower = followers[0]!
      expect(Object.keys(follower).sort()).toEqual([
        'ContactId',
        'ContactName',
        'DateTimeCreated',
        'DateTimeModified',
        'DisplayName',
        'InviteExpires',
        'IsEnabled',
        'IsMonitoringSessionActive',
        'Permissions',
        'State',
        'SubscriberId',
        'SubscriptionId',
      ])
      expect(follower).toEqual({
        ContactId: contactId,
        ContactName: 'Mum',
        DateTimeCreated: { DateTime: `/Date(${created})/`, OffsetMinutes: 0 },
        DateTimeModified: { DateTime: `/Date(${created})/`, OffsetMinutes: 0 },
        DisplayName: 'Sam',
        InviteExpires: { DateTime: `/Date(${created + WEEK_MS})/`, OffsetMinutes: 0 },
        IsEnabled: true,
        IsMonitoringSessionActive: false,
        Permissions: 1,
        State: 1,
        SubscriberId: ZERO_ID,
        SubscriptionId: subscriptionId,
      })
      expect((await call('Publisher/ReadContact', { contactId })).json).toMatchObject({
        State: 1,
        SubscriptionId: subscriptionId,
      })
    })

    it("reports the publisher's monitoring session in IsMonitoringSessionActive", async () => {
      const { sessionId: uploaderSession } = await server.uploader()
      sessionId = uploaderSession
      await invite(await newContact())
      expect((await list())[0]!['IsMonitoringSessionActive']).toBe(true)
    })

    it('lists a contact with no invitation yet with State 0 and all-zeros ids', async () => {
      const contactId = await newContact('Mum')
      expect(await list()).toEqual([
        expect.objectContaining({
          ContactId: contactId,
          State: 0,
          SubscriptionId: ZERO_ID,
          SubscriberId: ZERO_ID,
          IsEnabled: false,
          Permissions: 0,
          DisplayName: 'Publisher Pat',
        }),
      ])
    })

    it('expires an invitation after 7 days and then allows a new one', async () => {
      const contactId = await newContact()
      const first = await invite(contactId)
      server.clock.advance(WEEK_MS - 1)
      // Sessions last a day: log in again at the new time.
      sessionId = await server.login(publisher)
      expect((await list())[0]!['State']).toBe(1)
      server.clock.advance(1)
      expect((await list())[0]!['State']).toBe(3)
      expect((await call('Publisher/ReadContact', { contactId })).json).toMatchObject({ State: 3 })
      expectFault(
        await call('General/PauseSubscription', { subscriptionId: first }),
        'SubscriptionNotPausableState',
      )
      const second = await invite(contactId)
      expect(second).not.toBe(first)
      expect((await list())[0]).toMatchObject({ State: 1, SubscriptionId: second })
    })

    it('updates permissions and records the modification time', async () => {
      const subscriptionId = await invite(await newContact())
      server.clock.advance(60_000)
      expectEmpty(
        await call('Publisher/UpdateSubscriptionPermissions', { subscriptionId, permissions: 0 }),
      )
      const [follower] = await list()
      expect(follower).toMatchObject({
        Permissions: 0,
        DateTimeModified: { DateTime: `/Date(${server.clock.now()})/`, OffsetMinutes: 0 },
      })
      for (const permissions of [2, -1, 'x']) {
        expectFault(
          await call('Publisher/UpdateSubscriptionPermissions', { subscriptionId, permissions }),
          'InvalidArgument',
        )
      }
      expectFault(
        await call('Publisher/UpdateSubscriptionPermissions', {
          subscriptionId: randomUUID(),
          permissions: 1,
        }),
        'InvalidArgument',
      )
    })

    it('pauses and resumes a subscription, refusing the wrong state each way', async () => {
      const subscriptionId = await invite(await newContact())
      expectFault(
        await call('General/ResumeSubscription', { subscriptionId }),
        'SubscriptionNotPaused',
      )
      expectEmpty(await call('General/PauseSubscription', { subscriptionId }))
      expect((await list())[0]!['IsEnabled']).toBe(false)
      expectFault(
        await call('General/PauseSubscription', { subscriptionId }),
        'SubscriptionNotPausableState',
      )
      expectEmpty(await call('General/ResumeSubscription', { subscriptionId }))
      expect((await list())[0]!['IsEnabled']).toBe(true)
    })

    it('treats a deleted contact’s subscription as gone', async () => {
      const contactId = await newContact()
      const subscriptionId = await invite(contactId)
      expectEmpty(await call('Publisher/DeleteContact', { contactId }))
      expect(await list()).toEqual([])
      expectFault(
        await call('General/PauseSubscription', { subscriptionId }),
        'SubscriptionNotPausableState',
      )
      expectFault(
        await call('General/ResumeSubscription', { subscriptionId }),
        'SubscriptionNotPaused',
      )
      expectFault(
        await call('General/ReadSubscriptionAlerts', { subscriptionId }),
        'InvalidArgument',
      )
      expectFault(
        await call('Publisher/ReadSubscriptionInviteId', { subscriptionId }),
        'InvalidArgument',
      )
    })

    it('answers InvalidArgument for subscription ids that are not UUIDs', async () => {
      for (const op of [
        'Publisher/ReadSubscriptionInviteId',
        'General/PauseSubscription',
        'General/ResumeSubscription',
        'General/ReadSubscriptionAlerts',
      ]) {
        expectFault(await call(op, { subscriptionId: 'abc' }), 'InvalidArgument')
      }
    })
  })

  describe('authorisation', () => {
    it("never shows or changes another publisher's contacts and subscriptions", async () => {
      const contactId = await newContact('Mum')
      const subscriptionId = await invite(contactId)
      const other = await otherPublisher()
      const otherList = await callAs(other, 'Publisher/ListPublisherAccountSubscriptions', {})
      expect(otherList.json).toEqual([])
      expect(
        (await callAs(other, 'Publisher/DoesContactExistByName', { contactName: 'Mum' })).json,
      ).toBe(false)
      for (const [op, query] of [
        ['Publisher/ReadContact', { contactId }],
        ['Publisher/UpdateContactName', { contactId, contactName: 'Mine' }],
        ['Publisher/DeleteContact', { contactId }],
      ] as const) {
        expectFault(await callAs(other, op, query), 'ContactIdNotFound')
      }
      const invitation = await server.call('Publisher/CreateSubscriptionInvitation', {
        query: { sessionId: other, contactId },
        body: XDU_PAYLOAD,
      })
      expectFault(invitation, 'ContactIdNotFound')
      for (const [op, query] of [
        ['Publisher/ReadSubscriptionInviteId', { subscriptionId }],
        ['Publisher/UpdateSubscriptionPermissions', { subscriptionId, permissions: 0 }],
        ['General/PauseSubscription', { subscriptionId }],
        ['General/ResumeSubscription', { subscriptionId }],
        ['General/ReadSubscriptionAlerts', { subscriptionId }],
      ] as const) {
        const fault = expectFault(await callAs(other, op, query), 'InvalidArgument')
        expect(fault['Message']).toBe('No such subscription for this account.')
      }
      // Nothing changed for the owner.
      expect(await list()).toEqual([
        expect.objectContaining({ ContactName: 'Mum', Permissions: 1, IsEnabled: true }),
      ])
    })

    it('answers HTTP 400 without a session id', async () => {
      const missing = await server.call('Publisher/ListPublisherAccountSubscriptions', {})
      expect(missing.status).toBe(400)
    })
  })

  it('follows the xDrip+ follower-management order end to end', async () => {
    expect(await list()).toEqual([])
    const contactId = await newContact('Grandma', 'grandma@example.test')
    const subscriptionId = await invite(contactId, XDU_PAYLOAD)
    expect(await list()).toEqual([
      expect.objectContaining({
        ContactId: contactId,
        ContactName: 'Grandma',
        SubscriptionId: subscriptionId,
        State: 1,
        DisplayName: 'Sam',
      }),
    ])
    expectEmpty(await call('Publisher/DeleteContact', { contactId }))
    expect(await list()).toEqual([])
  })
})
