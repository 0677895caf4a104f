import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { DEXCOM_APPLICATION_ID, DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import { startTestServer, type TestServer } from '../../test-support.js'
import type { Account } from '../../store/store.js'
import { expectFault, expectEmpty } from '../../test-expect.js'

const PASSWORD = 'correct horse'

/** A tiny image of each kind: the signature bytes followed by filler. */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('IHDR fake png body for tests'),
  Buffer.from([0x00, 0xff, 0x10, 0x80]),
])
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('fake jpeg body')])

describe('publisher profile operations', () => {
  let server: TestServer
  let account: Account
  let sessionId: string

  beforeEach(async () => {
    server = await startTestServer()
    ;({ account } = await server.addAccount({ username: 'pat.doe', email: 'pat@example.org' }))
    sessionId = await server.login(account)
  })
  afterEach(async () => {
    await server.close()
  })

  const isActive = (session = sessionId) =>
    server.call('Publisher/IsRemoteMonitoringSessionActive', { query: { sessionId: session } })

  describe('LogoutPublisherAccount', () => {
    it('ends the session with an empty 200; later calls answer SessionNotValid', async () => {
      expect((await isActive()).status).toBe(200)
      expectEmpty(await server.call('Publisher/LogoutPublisherAccount', { query: { sessionId } }))
      const after = await isActive()
      expectFault(after, 'SessionNotValid')
      expect(after.text).not.toContain(sessionId)
      expectFault(
        await server.call('Publisher/LogoutPublisherAccount', { query: { sessionId } }),
        'SessionNotValid',
      )
    })

    it("leaves the account's other sessions open", async () => {
      const other = await server.login(account)
      expectEmpty(await server.call('Publisher/LogoutPublisherAccount', { query: { sessionId } }))
      expect((await isActive(other)).text).toBe('false')
    })
  })

  describe('display name', () => {
    const read = () =>
      server.call('Publisher/ReadPublisherAccountDisplayName', { query: { sessionId } })

    it('reads the display name as a bare JSON string, the username by default', async () => {
      const result = await read()
      expect(result.status).toBe(200)
      expect(result.headers['content-type']).toMatch(/^application\/json/)
      expect(result.text).toBe('"pat.doe"')
    })

    it('updates the display name from the query string or a JSON body, trimmed', async () => {
      expectEmpty(
        await server.call('Publisher/UpdatePublisherAccountDisplayName', {
          query: { sessionId, displayName: '  Pat D.  ' },
        }),
      )
      expect((await read()).json).toBe('Pat D.')
      expectEmpty(
        await server.call('Publisher/UpdatePublisherAccountDisplayName', {
          query: { sessionId },
          body: { DisplayName: 'Pat "Quoted" Doe' },
        }),
      )
      expect((await read()).json).toBe('Pat "Quoted" Doe')
    })

    it('refuses an empty or blank display name with InvalidArgument', async () => {
      for (const displayName of ['', '   ']) {
        const result = await server.call('Publisher/UpdatePublisherAccountDisplayName', {
          query: { sessionId, displayName },
        })
        expect(expectFault(result, 'InvalidArgument')['Message']).toContain('displayName')
      }
      expect((await read()).json).toBe('pat.doe')
    })
  })

  describe('email address', () => {
    const read = () => server.call('Publisher/ReadPublisherAccountEmail', { query: { sessionId } })
    const update = (emailAddress: string) =>
      server.call('Publisher/UpdatePublisherAccountEmail', { query: { sessionId, emailAddress } })

    it('reads the email address as a bare JSON string', async () => {
      const result = await read()
      expect(result.status).toBe(200)
      expect(result.text).toBe('"pat@example.org"')
    })

    it('reads an empty string for an account without an email address', async () => {
      const { account: bare } = await server.addAccount()
      const session = await server.login(bare)
      const result = await server.call('Publisher/ReadPublisherAccountEmail', {
        query: { sessionId: session },
      })
      expect(result.status).toBe(200)
      expect(result.text).toBe('""')
    })

    it('updates the address, which then works as a login name', async () => {
      expectEmpty(await update('pat.doe@example.net'))
      expect((await read()).json).toBe('pat.doe@example.net')
      const login = await server.call('General/AuthenticatePublisherAccount', {
        body: {
          accountName: 'pat.doe@example.net',
          password: PASSWORD,
          applicationId: DEXCOM_APPLICATION_ID,
        },
      })
      expect(login.json).toBe(account.id)
      const old = await server.call('General/AuthenticatePublisherAccount', {
        body: { accountName: 'pat@example.org', password: PASSWORD },
      })
      expectFault(old, 'AccountPasswordInvalid')
    })

    it('accepts its own current address again', async () => {
      expectEmpty(await update('pat@example.org'))
      expect((await read()).json).toBe('pat@example.org')
    })

    it('answers InvalidEmailAddress for malformed addresses and keeps the old one', async () => {
      for (const bad of ['', 'pat', 'pat@', '@example.org', 'pat@example', 'pat doe@example.org']) {
        expectFault(await update(bad), 'InvalidEmailAddress')
      }
      expect((await read()).json).toBe('pat@example.org')
    })

    it('answers InvalidEmailAddress for an address another account uses, in any letter case', async () => {
      await server.addAccount({ username: 'sam.roe', email: 'sam@example.org' })
      expectFault(await update('sam@example.org'), 'InvalidEmailAddress')
      expectFault(await update('SAM@Example.org'), 'InvalidEmailAddress')
      expect((await read()).json).toBe('pat@example.org')
    })

    it("answers InvalidEmailAddress for an address that is another account's username", async () => {
      const { account: other } = await server.addAccount({ username: 'sam@example.org' })
      expectFault(await update('sam@example.org'), 'InvalidEmailAddress')
      const login = await server.call('General/AuthenticatePublisherAccount', {
        body: { accountName: 'sam@example.org', password: PASSWORD },
      })
      expect(login.json).toBe(other.id)
    })
  })

  describe('ChangePublisherAccountPassword', () => {
    const change = (body: Record<string, string>, session = sessionId) =>
      server.call('Publisher/ChangePublisherAccountPassword', {
        query: { sessionId: session },
        body,
      })
    const loginWith = (password: string) =>
      server.call('General/LoginPublisherAccountById', {
        body: { accountId: account.id, password, applicationId: DEXCOM_APPLICATION_ID },
      })

    it('answers AccountPasswordInvalid when the old password is wrong, and changes nothing', async () => {
      const result = await change({ oldPassword: 'wrong horse', newPassword: 'battery staple' })
      expectFault(result, 'AccountPasswordInvalid')
      expect(result.text).not.toContain('wrong horse')
      expect(result.text).not.toContain('battery staple')
      expect((await loginWith(PASSWORD)).status).toBe(200)
      expectFault(await loginWith('battery staple'), 'AccountPasswordInvalid')
    })

    it('answers InvalidArgument for a new password shorter than 8 characters', async () => {
      const result = await change({ oldPassword: PASSWORD, newPassword: 'short' })
      expect(expectFault(result, 'InvalidArgument')['Message']).toContain('newPassword')
      expect(result.text).not.toContain('short')
      expect((await loginWith(PASSWORD)).status).toBe(200)
    })

    it('answers InvalidArgument when a field is missing', async () => {
      const result = await change({ newPassword: 'battery staple' })
      expect(expectFault(result, 'InvalidArgument')['Message']).toContain('oldPassword')
    })

    it('switches the password, ends the other sessions and keeps the calling one', async () => {
      const other = await server.login(account)
      expectEmpty(await change({ OldPassword: PASSWORD, NewPassword: 'battery staple' }))

      const fresh = await loginWith('battery staple')
      expect(fresh.status).toBe(200)
      expectFault(await loginWith(PASSWORD), 'AccountPasswordInvalid')

      expectFault(await isActive(other), 'SessionNotValid')
      expect((await isActive()).text).toBe('false')
      expect((await isActive(fresh.json as string)).text).toBe('false')
    })
  })

  describe('account image', () => {
    /** Reads the image with GET, keeping the raw bytes. */
    async function readImage(method: 'GET' | 'POST' = 'GET') {
      const response = await server.app.inject({
        method,
        url: `${DEXCOM_SERVICES_PATH}/Publisher/ReadPublisherAccountImage?sessionId=${sessionId}`,
      })
      return {
        status: response.statusCode,
        contentType: response.headers['content-type'],
        bytes: response.rawPayload,
      }
    }
    const update = (body: unknown, contentType: string | null) =>
      server.call('Publisher/UpdatePublisherAccountImage', {
        query: { sessionId },
        body,
        contentType,
      })

    it('answers an empty 200 when the account has no image', async () => {
      const result = await readImage()
      expect(result.status).toBe(200)
      expect(result.bytes).toHaveLength(0)
    })

    it('stores a raw PNG body and answers its bytes and content type, over GET and POST', async () => {
      expectEmpty(await update(PNG, 'image/png'))
      for (const method of ['GET', 'POST'] as const) {
        const result = await readImage(method)
        expect(result.status).toBe(200)
        expect(result.contentType).toBe('image/png')
        expect(Buffer.compare(result.bytes, PNG)).toBe(0)
      }
    })

    it('sniffs the type from the bytes, whatever Content-Type the client sends', async () => {
      expectEmpty(await update(PNG, 'application/octet-stream'))
      expect((await readImage()).contentType).toBe('image/png')
      expectEmpty(await update(JPEG, null))
      const result = await readImage()
      expect(result.contentType).toBe('image/jpeg')
      expect(Buffer.compare(result.bytes, JPEG)).toBe(0)
    })

    it('stores a base64 image from a JSON body', async () => {
      expectEmpty(await update({ Image: JPEG.toString('base64') }, 'application/json'))
      const result = await readImage()
      expect(result.contentType).toBe('image/jpeg')
      expect(Buffer.compare(result.bytes, JPEG)).toBe(0)
    })

    it('answers InvalidArgument for bytes that are no known image, keeping the old image', async () => {
      expectEmpty(await update(PNG, 'image/png'))
      expectFault(await update('just some text', 'text/plain'), 'InvalidArgument')
      expectFault(
        await update(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), 'image/png'),
        'InvalidArgument',
      )
      expectFault(
        await update({ Image: Buffer.from('plain').toString('base64') }, 'application/json'),
        'InvalidArgument',
      )
      expect(Buffer.compare((await readImage()).bytes, PNG)).toBe(0)
    })

    it('answers InvalidArgument for an empty body', async () => {
      expectFault(await update(undefined, null), 'InvalidArgument')
      expectFault(await update({}, 'application/json'), 'InvalidArgument')
    })
  })

  describe('UpdatePublisherAccountRuntimeInfo', () => {
    const runtimeInfo = {
      DeviceManufacturer: 'Apple',
      DeviceModel: 'iPhone5,2',
      DeviceOsVersion: '7.0.2',
      AppVersion: '3.0.2.11',
      AppName: 'DexcomShare',
      AppNumber: 'SW10569',
      DeviceOsName: 'iPhone OS',
    }

    function storedRuntimeInfo(): unknown {
      const db = new Database(server.dbPath, { readonly: true })
      try {
        const row = db
          .prepare('SELECT runtime_info FROM accounts WHERE account_id = ?')
          .get(account.id) as { runtime_info: string | null }
        return row.runtime_info === null ? null : JSON.parse(row.runtime_info)
      } finally {
        db.close()
      }
    }

    it('takes the session id from the body and answers an empty 200', async () => {
      const result = await server.call('Publisher/UpdatePublisherAccountRuntimeInfo', {
        body: { sessionId, runtimeInfo },
      })
      expectEmpty(result)
      expect(storedRuntimeInfo()).toEqual(runtimeInfo)
    })

    it('answers SessionIdNotFound for an unknown session id in the body', async () => {
      const result = await server.call('Publisher/UpdatePublisherAccountRuntimeInfo', {
        body: { sessionId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', runtimeInfo },
      })
      expectFault(result, 'SessionIdNotFound')
    })

    it('answers InvalidArgument for a runtimeInfo that is not an object of plain values', async () => {
      for (const bad of ['iPhone', ['Apple'], { DeviceModel: { nested: true } }]) {
        const result = await server.call('Publisher/UpdatePublisherAccountRuntimeInfo', {
          body: { sessionId, runtimeInfo: bad },
        })
        expect(expectFault(result, 'InvalidArgument')['Message']).toContain('runtimeInfo')
      }
      expect(storedRuntimeInfo()).toBeNull()
    })
  })
})

describe('account image size limits', () => {
  let server: TestServer
  let sessionId: string
  beforeEach(async () => {
    server = await startTestServer({ config: { maxImageBytes: 1024, bodyLimitBytes: 8192 } })
    const { account } = await server.addAccount()
    sessionId = await server.login(account)
  })
  afterEach(async () => {
    await server.close()
  })

  const pngOf = (size: number) => Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(size - 8, 0x41)])

  it('accepts an image at the limit', async () => {
    const result = await server.call('Publisher/UpdatePublisherAccountImage', {
      query: { sessionId },
      body: pngOf(1024),
      contentType: 'image/png',
    })
    expectEmpty(result)
  })

  it('answers InvalidArgument for an image over maxImageBytes', async () => {
    const raw = await server.call('Publisher/UpdatePublisherAccountImage', {
      query: { sessionId },
      body: pngOf(1025),
      contentType: 'image/png',
    })
    expect(expectFault(raw, 'InvalidArgument')['Message']).toContain('1024')
    const json = await server.call('Publisher/UpdatePublisherAccountImage', {
      query: { sessionId },
      body: { image: pngOf(2000).toString('base64') },
    })
    expectFault(json, 'InvalidArgument')
  })

  it('answers 413 PayloadTooLarge for a body over the request limit', async () => {
    const result = await server.call('Publisher/UpdatePublisherAccountImage', {
      query: { sessionId },
      body: pngOf(9000),
      contentType: 'image/png',
    })
    expectFault(result, 'PayloadTooLarge', 413)
  })
})
