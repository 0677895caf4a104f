import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { startTestServer, type TestServer } from '../../test-support.js'
import { expectEmpty, expectFault } from '../../test-expect.js'
import { LOWER_UUID, addFollower, asFollower, type Follower } from './test-follower-fixture.js'

const CREATE = 'Subscriber/CreateWebhook'
const LIST = 'Subscriber/ListWebhooks'
const DELETE = 'Subscriber/DeleteWebhook'

let server: TestServer
let follower: Follower

beforeEach(async () => {
  server = await startTestServer()
  follower = await addFollower(server)
})
afterEach(async () => {
  await server.close()
})

const create = (body: unknown, who: Follower = follower) =>
  asFollower(server, who, CREATE, {}, body)
const list = (who: Follower = follower) => asFollower(server, who, LIST)
const remove = (webhookId: string, who: Follower = follower) =>
  asFollower(server, who, DELETE, { webhookId })

describe('Subscriber/CreateWebhook, ListWebhooks, DeleteWebhook', () => {
  it('creates a webhook, shows its secret once, lists it without, and deletes it once', async () => {
    const created = await create({ Url: 'HTTPS://Hooks.Example.TEST/alerts?token=abc' })
    expect(created.status, created.text).toBe(200)
    const webhook = created.json as Record<string, unknown>
    expect(webhook).toStrictEqual({
      WebhookId: expect.stringMatching(LOWER_UUID),
      Url: 'https://hooks.example.test/alerts?token=abc',
      DateTimeCreated: server.clock.now(),
      Secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{32}$/),
    })
    const listed = await list()
    expect(listed.status).toBe(200)
    expect(listed.json).toStrictEqual([
      { WebhookId: webhook['WebhookId'], Url: webhook['Url'], DateTimeCreated: server.clock.now() },
    ])
    expect(listed.text).not.toContain(String(webhook['Secret']))
    const get = await server.call(LIST, { method: 'GET', query: { sessionId: follower.sessionId } })
    expect(get.json).toStrictEqual(listed.json)
    expectEmpty(await remove(String(webhook['WebhookId']).toUpperCase()))
    expect((await list()).json).toEqual([])
    const again = expectFault(await remove(String(webhook['WebhookId'])), 'InvalidArgument')
    expect(again['Message']).toBe('No such webhook for this account.')
  })

  it('answers [] when the follower has no webhook, and gives each secret its own value', async () => {
    expect((await list()).text).toBe('[]')
    const a = (await create({ Url: 'http://127.0.0.1:9/a' })).json as { Secret: string }
    const b = (await create({ Url: 'http://127.0.0.1:9/a' })).json as { Secret: string }
    expect(a.Secret).not.toBe(b.Secret)
    expect((await list()).json).toHaveLength(2)
  })

  it('refuses URLs that are not absolute http(s) or that carry credentials, without echoing them', async () => {
    const bad = [
      '',
      'not a url',
      '/relative/path',
      'hooks.example.test/alerts',
      'ftp://hooks.example.test/alerts',
      'javascript:alert(1)',
      'file:///etc/passwd',
      'http://',
      'https://user:hunter2secret@hooks.example.test/alerts',
      'https://:hunter2secret@hooks.example.test/alerts',
      'https://justauser@hooks.example.test/alerts',
      `https://hooks.example.test/${'a'.repeat(2049)}`,
    ]
    for (const Url of bad) {
      const result = await create({ Url })
      expectFault(result, 'InvalidArgument')
      expect(result.text).not.toContain('hunter2secret')
    }
    const credentials = await create({ Url: 'https://u:hunter2secret@hooks.example.test/' })
    expect(expectFault(credentials, 'InvalidArgument')['Message']).toBe(
      'Url must not contain credentials.',
    )
    expect((await list()).json).toEqual([])
  })

  it('refuses a missing or mistyped body with InvalidArgument', async () => {
    for (const body of [{}, { url: 42 }, { Url: null }, { Url: ['http://a.test/'] }, [], '"x"']) {
      expectFault(await create(body), 'InvalidArgument')
    }
    expectFault(
      await server.call(CREATE, { query: { sessionId: follower.sessionId } }),
      'InvalidArgument',
    )
    expectFault(await create('{not json'), 'InvalidArgument', 400)
    expect((await list()).json).toEqual([])
  })

  it('allows five webhooks per follower, the sixth after one is deleted', async () => {
    const ids: string[] = []
    for (let i = 0; i < 5; i += 1) {
      const result = await create({ Url: `https://hooks.example.test/${i}` })
      expect(result.status, result.text).toBe(200)
      ids.push((result.json as { WebhookId: string }).WebhookId)
    }
    const sixth = expectFault(
      await create({ Url: 'https://hooks.example.test/6' }),
      'InvalidArgument',
    )
    expect(sixth['Message']).toBe('A follower may have at most 5 webhooks.')
    // The limit is per follower.
    const other = await addFollower(server)
    expect((await create({ Url: 'https://hooks.example.test/x' }, other)).status).toBe(200)
    expectEmpty(await remove(ids[0]!))
    expect((await create({ Url: 'https://hooks.example.test/6' })).status).toBe(200)
    expect((await list()).json).toHaveLength(5)
  })

  it('creates five of six webhooks asked for at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => create({ Url: `https://hooks.example.test/${i}` })),
    )
    expect(results.filter((r) => r.status === 200)).toHaveLength(5)
    const refused = results.filter((r) => r.status !== 200)
    expect(refused).toHaveLength(1)
    expect(expectFault(refused[0]!, 'InvalidArgument')['Message']).toBe(
      'A follower may have at most 5 webhooks.',
    )
    expect((await list()).json).toHaveLength(5)
  })

  it("never shows or deletes another follower's webhook", async () => {
    const other = await addFollower(server)
    const theirs = (await create({ Url: 'https://theirs.example.test/' }, other)).json as {
      WebhookId: string
    }
    expect((await list()).json).toEqual([])
    expect(expectFault(await remove(theirs.WebhookId), 'InvalidArgument')['Message']).toBe(
      'No such webhook for this account.',
    )
    expect((await list(other)).json).toEqual([
      expect.objectContaining({ WebhookId: theirs.WebhookId }),
    ])
  })

  it('answers InvalidArgument for a missing or malformed webhook id', async () => {
    expectFault(await asFollower(server, follower, DELETE), 'InvalidArgument')
    for (const id of ['abc', '', `${randomUUID()}0`]) {
      expectFault(await remove(id), 'InvalidArgument')
    }
    expectFault(await remove(randomUUID()), 'InvalidArgument')
  })
})
