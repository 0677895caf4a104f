import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../test-support.js'
import type { Account, Contact } from '../../store/store.js'
import { expectEmpty, expectFault } from '../../test-expect.js'
import { CONTACT_KEPT_CHANGING, CONTACT_UPDATE_ATTEMPTS } from './contact-update.js'

describe('publisher contact updates racing other writers (issue 5)', () => {
  let server: TestServer
  let publisher: Account
  let follower: Account
  let sessionId: string
  let subscriptionId: string

  beforeEach(async () => {
    server = await startTestServer()
    publisher = (await server.addAccount()).account
    follower = (await server.addAccount({ kind: 'follower' })).account
    sessionId = await server.login(publisher)
    const created = await call('Publisher/CreateContact', {
      contactName: 'Mum',
      emailAddress: 'mum@example.test',
    })
    const invited = await call(
      'Publisher/CreateSubscriptionInvitation',
      { contactId: created.json as string },
      {},
    )
    expect(invited.status, invited.text).toBe(200)
    subscriptionId = invited.json as string
  })
  afterEach(async () => {
    await server.close()
  })

  function call(operation: string, query: Record<string, string | number>, body?: unknown) {
    return server.call(operation, {
      query: { sessionId, ...query },
      ...(body === undefined ? {} : { body }),
    })
  }

  async function stored(): Promise<Contact> {
    // Listed, not found by subscription: that read is the one the tests hook.
    return (await server.store.listContacts(publisher.key))[0]!
  }

  /**
  Runs `between` right after each of the operation's reads of the contact, so that the write it
  makes lands between that read and the operation's save, as a request on another instance (or
  another request awaiting in this one) could. The reads and writes are the real store's.
  */
  function afterEachRead(between: () => Promise<unknown>): void {
    const store = server.store
    const read = store.findContactBySubscription.bind(store)
    store.findContactBySubscription = async (accountKey, id) => {
      const contact = await read(accountKey, id)
      await between()
      return contact
    }
  }

  it('keeps an acceptance that lands between the pause reading the contact and saving it', async () => {
    const { invitationId } = (await stored()).subscription!
    let accepted = false
    afterEachRead(async () => {
      if (accepted) return
      accepted = true
      const result = await server.store.acceptInvitation(
        invitationId,
        follower.id,
        server.clock.now(),
      )
      expect(result.status).toBe('accepted')
    })
    expectEmpty(await call('General/PauseSubscription', { subscriptionId }))
    const { subscription } = await stored()
    expect(subscription?.paused).toBe(true)
    expect(subscription?.subscriberId).toBe(follower.id)
  })

  it('answers ServiceUnavailable and changes nothing when the contact changes under every attempt', async () => {
    let writes = 0
    afterEachRead(async () => {
      writes += 1
      await server.store.saveFollowerAlertSettings(publisher.key, subscriptionId, `{"n":${writes}}`)
    })
    const before = await stored()
    const fault = expectFault(
      await call('General/PauseSubscription', { subscriptionId }),
      'ServiceUnavailable',
      503,
    )
    expect(fault['Message']).toBe(CONTACT_KEPT_CHANGING)
    expect(writes).toBe(CONTACT_UPDATE_ATTEMPTS)
    const after = await stored()
    expect(after.subscription?.paused).toBe(false)
    expect(after.version).toBe(before.version + CONTACT_UPDATE_ATTEMPTS)
  })
})
