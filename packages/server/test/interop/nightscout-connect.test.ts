/**
nightscout-connect 0.0.12, installed from npm and unmodified, with its Dexcom Share source against
glucoshare over HTTPS. The source hard-codes `https` and takes its host from `shareServer`
(`CONNECT_SHARE_SERVER` in Nightscout), which may carry a port. It keeps certificate checks on, so
the child process trusts the test's self-signed certificate through `NODE_EXTRA_CA_CERTS` (read at
process start). It logs in with AuthenticatePublisherAccount + LoginPublisherAccountById (plus
`?applicationId=`) and reads with ReadPublisherLatestGlucoseValues (`sessionID`, body `{}`), asking
for everything since the newest reading Nightscout holds, up to two days (576 readings / 2880
minutes, which the server clamps).
*/
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ClientProcess,
  PUBLISHER_NAME,
  PUBLISHER_PASSWORD,
  TEN_READINGS,
  expectedEntries,
  startInteropServer,
  type InteropServer,
  type UploadedReading,
} from './interop-fixture.js'

const embeddedScript = fileURLToPath(new URL('./nsc-embedded.mjs', import.meta.url))
const CLIENT_TIMEOUT_MS = 25_000

describe.each([
  { format: 'current wire format', legacyWireFormat: false },
  { format: 'legacy wire format', legacyWireFormat: true },
])(
  'nightscout-connect Dexcom Share source against glucoshare ($format)',
  ({ legacyWireFormat }) => {
    let server: InteropServer
    let uploaded: UploadedReading[]
    const clients: ClientProcess[] = []

    beforeAll(async () => {
      server = await startInteropServer({ legacyWireFormat })
      uploaded = await server.upload(TEN_READINGS)
    })

    afterAll(async () => {
      await Promise.all(clients.map((client) => client.stop()))
      await server?.close()
    })

    /** nightscout-connect embedded as Nightscout embeds it, configured as Nightscout's CONNECT_* settings. */
    async function runEmbedded(extraEnv: Record<string, string> = {}): Promise<unknown> {
      const client = new ClientProcess([embeddedScript], {
        NODE_EXTRA_CA_CERTS: server.certFile,
        CONNECT_SOURCE: 'dexcomshare',
        CONNECT_SHARE_SERVER: server.hostAndPort,
        CONNECT_SHARE_ACCOUNT_NAME: PUBLISHER_NAME,
        CONNECT_SHARE_PASSWORD: PUBLISHER_PASSWORD,
        ...extraEnv,
      })
      clients.push(client)
      const result = (await client.message(CLIENT_TIMEOUT_MS)) as { error?: unknown }
      const exit = await client.exited(CLIENT_TIMEOUT_MS)
      expect(result.error, client.output).toBeUndefined()
      expect(exit).toEqual({ code: 0, signal: null })
      return result
    }

    it('a Nightscout with no readings yet stores every uploaded reading with its value, time and direction', async () => {
      const result = await runEmbedded()

      expect(result).toEqual({ entries: expectedEntries(uploaded, 'nightscout-connect') })
    })

    it('a Nightscout that already holds a reading is sent only the readings from that one on', async () => {
      const expected = expectedEntries(uploaded, 'nightscout-connect')
      const newestKnown = expected[2]?.date as number

      const result = await runEmbedded({ KNOWN_SGV_MILLS: String(newestKnown) })

      // Asked for ceil(elapsed / 5 min) readings over 5 minutes each: the three newest.
      expect(result).toEqual({ entries: expected.slice(0, 3) })
    })
  },
)
