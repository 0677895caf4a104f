/**
share2nightscout-bridge 0.2.12, installed from npm and unmodified, against glucoshare over HTTPS.
The bridge hard-codes `https://` and takes its host from `BRIDGE_SERVER` (any value containing a
dot); it turns off certificate checks itself (`rejectUnauthorized: false`), so no TLS setting is
needed. It logs in with AuthenticatePublisherAccount + LoginPublisherAccountById and reads with
ReadPublisherLatestGlucoseValues (`sessionID`, an empty body with `Content-Length: 0`).
Each run is a child process so that the bridge sees only the environment given here.
*/
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ClientProcess,
  PUBLISHER_NAME,
  PUBLISHER_PASSWORD,
  TEN_READINGS,
  expectedEntries,
  nightscoutSecretHash,
  startFakeNightscout,
  startInteropServer,
  waitFor,
  type FakeNightscout,
  type InteropServer,
  type UploadedReading,
} from './interop-fixture.js'

const bridgeMain = createRequire(import.meta.url).resolve('share2nightscout-bridge')
const pluginScript = fileURLToPath(new URL('./s2n-bridge-plugin.mjs', import.meta.url))
const API_SECRET = 'interop-test-api-secret'
const CLIENT_TIMEOUT_MS = 20_000

describe.each([
  { format: 'current wire format', legacyWireFormat: false },
  { format: 'legacy wire format', legacyWireFormat: true },
])('share2nightscout-bridge against glucoshare ($format)', ({ legacyWireFormat }) => {
  let server: InteropServer
  let nightscout: FakeNightscout
  let uploaded: UploadedReading[]
  const clients: ClientProcess[] = []

  beforeAll(async () => {
    server = await startInteropServer({ legacyWireFormat })
    nightscout = await startFakeNightscout()
    uploaded = await server.upload(TEN_READINGS)
  })

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.stop()))
    await nightscout?.close()
    await server?.close()
  })

  /** The bridge's own program, configured only through the environment it documents. */
  function bridgeCli(args: string[], env: Record<string, string>): ClientProcess {
    const client = new ClientProcess([bridgeMain, ...args], {
      BRIDGE_SERVER: server.hostAndPort,
      DEXCOM_ACCOUNT_NAME: PUBLISHER_NAME,
      DEXCOM_PASSWORD: PUBLISHER_PASSWORD,
      API_SECRET,
      NS: nightscout.url,
      ...env,
    })
    clients.push(client)
    return client
  }

  it('the one-shot `run` command posts the uploaded readings to Nightscout with their values, times and directions', async () => {
    const before = nightscout.posts.length
    const client = bridgeCli(['run'], { maxCount: '10', minutes: '60' })

    const exit = await client.exited(CLIENT_TIMEOUT_MS)

    expect(exit, client.output).toEqual({ code: 0, signal: null })
    const posts = nightscout.posts.slice(before)
    expect(posts.map((p) => p.path)).toEqual(['/api/v1/entries.json'])
    expect(posts[0]?.apiSecret).toBe(nightscoutSecretHash(API_SECRET))
    expect(posts[0]?.body).toEqual(expectedEntries(uploaded, 'share2'))
  })

  it('the `run` command honours maxCount and posts only the newest readings', async () => {
    const before = nightscout.posts.length
    const client = bridgeCli(['run'], { maxCount: '3' })

    const exit = await client.exited(CLIENT_TIMEOUT_MS)

    expect(exit, client.output).toEqual({ code: 0, signal: null })
    const posts = nightscout.posts.slice(before)
    expect(posts).toHaveLength(1)
    expect(posts[0]?.body).toEqual(expectedEntries(uploaded, 'share2').slice(0, 3))
  })

  it('the long-running daemon posts the first firstFetchCount readings on its first cycle, then is stopped', async () => {
    const before = nightscout.posts.length
    const client = bridgeCli([], { firstFetchCount: '4', SHARE_INTERVAL: '600000' })

    const post = await waitFor(
      () => nightscout.posts[before],
      CLIENT_TIMEOUT_MS,
      () => `no post reached Nightscout; bridge output:\n${client.output}`,
    )
    await client.stop()

    expect(post.path).toBe('/api/v1/entries.json')
    expect(post.body).toEqual(expectedEntries(uploaded, 'share2').slice(0, 4))
  })

  it('the library, driven as Nightscout’s bridge plugin drives it, reports the readings and sees the Share error answers it expects', async () => {
    const client = new ClientProcess([pluginScript], {
      BRIDGE_SERVER: server.hostAndPort,
      DEXCOM_ACCOUNT_NAME: PUBLISHER_NAME,
      DEXCOM_PASSWORD: PUBLISHER_PASSWORD,
      FIRST_FETCH_COUNT: '10',
    })
    clients.push(client)

    const result = (await client.message(CLIENT_TIMEOUT_MS)) as Record<string, unknown>
    const exit = await client.exited(CLIENT_TIMEOUT_MS)

    expect(result.error, client.output).toBeUndefined()
    expect(exit).toEqual({ code: 0, signal: null })
    expect(result.entries).toEqual(expectedEntries(uploaded, 'share2'))
    // The bridge's own test suite expects HTTP 400 for a malformed session id (fetch.test.js).
    expect(result.badSession).toEqual({
      status: 400,
      body: expect.objectContaining({ Code: 'InvalidArgument', TypeName: 'FaultException' }),
    })
    // `request` parses the fault envelope, which the bridge logs and counts as a failed login.
    expect(result.wrongPassword).toEqual({
      status: 500,
      body: {
        Code: 'AccountPasswordInvalid',
        Message: expect.any(String),
        SubCode: expect.any(String),
        TypeName: 'FaultException',
      },
    })
  })
})
