import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { startTestServer, egvBody, type CallResult, type TestServer } from '../../test-support.js'
import type { ServerConfig } from '../../config.js'
import { SqliteStore } from '../../store/sqlite/sqlite-store.js'
import { expectFault } from '../../test-expect.js'

const MINUTE = 60_000
const UPLOAD = 'Publisher/PostReceiverEgvRecords'
const READ = 'Publisher/ReadPublisherLatestGlucoseValues'

let server: TestServer
const extraServers: TestServer[] = []

beforeEach(async () => {
  server = await startTestServer()
})

afterEach(async () => {
  await server.close()
  for (const extra of extraServers.splice(0)) await extra.close()
})

/** A server with its own config, closed after the test. */
async function serverWith(config: ServerConfig): Promise<TestServer> {
  const extra = await startTestServer({ config })
  extraServers.push(extra)
  return extra
}

function upload(on: TestServer, sessionId: string, body: unknown): Promise<CallResult> {
  return on.call(UPLOAD, { query: { sessionId }, body })
}

function read(
  on: TestServer,
  sessionId: string,
  query: Record<string, string | number>,
): Promise<CallResult> {
  return on.call(READ, { query: { sessionId, ...query } })
}

function messageOf(result: CallResult): string {
  return String((result.json as { Message?: unknown }).Message)
}

/** Epoch ms `minutesAgo` before the server clock, floored to whole seconds as uploaders do. */
function at(on: TestServer, minutesAgo: number): number {
  return Math.floor((on.clock.now() - minutesAgo * MINUTE) / 1000) * 1000
}

/** One EGV object with the given ST and DT strings. */
function egv(st: string, dt: string, value = 120, trend: number | string = 4) {
  return { ST: st, DT: dt, Value: value, Trend: trend }
}

describe('PostReceiverEgvRecords', () => {
  it('answers an accepted upload with HTTP 200, an empty body and stores the readings', async () => {
    const { account, sessionId, serial } = await server.uploader()
    const result = await upload(
      server,
      sessionId,
      egvBody(serial, server.clock.now(), [
        { minutesAgo: 5, value: 118, trend: 4 },
        { minutesAgo: 0, value: 120, trend: 3 },
      ]),
    )
    expect(result.status).toBe(200)
    expect(result.text).toBe('')
    expect(result.headers['content-length']).toBe('0')
    expect(await server.store.readLatest(account.key, 0, 10)).toEqual([
      { systemTime: at(server, 0), offsetMinutes: 0, value: 120, trend: 3 },
      { systemTime: at(server, 5), offsetMinutes: 0, value: 118, trend: 4 },
    ])
    expect((await server.store.readMonitoring(account.key)).lastUploadAt).toBe(server.clock.now())
  })

  it('matches the serial number without regard to case or surrounding spaces', async () => {
    const { sessionId } = await server.uploader()
    const result = await upload(
      server,
      sessionId,
      egvBody(' sm11112222 ', server.clock.now(), [{ minutesAgo: 0, value: 120 }]),
    )
    expect(result.status).toBe(200)
  })

  describe('uploader chain faults', () => {
    it('answers MonitoringSessionNotActive before a monitoring session was started', async () => {
      const { account } = await server.addAccount()
      const sessionId = await server.login(account)
      const result = await upload(
        server,
        sessionId,
        egvBody('SM11112222', server.clock.now(), [{ minutesAgo: 0, value: 120 }]),
      )
      expectFault(result, 'MonitoringSessionNotActive')
      expect(await server.store.readLatest(account.key, 0, 10)).toEqual([])
    })

    it('answers MonitoringSessionNotActive after the session was stopped, even for a foreign serial', async () => {
      const { account, sessionId } = await server.uploader()
      const stopped = await server.call('Publisher/StopRemoteMonitoringSession', {
        query: { sessionId },
      })
      expect(stopped.status).toBe(200)
      const result = await upload(
        server,
        sessionId,
        egvBody('SM00000000', server.clock.now(), [{ minutesAgo: 0, value: 120 }]),
      )
      expectFault(result, 'MonitoringSessionNotActive')
      expect(await server.store.readLatest(account.key, 0, 10)).toEqual([])
    })

    it('answers MonitoredReceiverNotAssigned when the receiver was stopped but monitoring stays active', async () => {
      const { account, sessionId, serial } = await server.uploader()
      const receiverId = await server.call('Publisher/GetMonitoredReceiverIdIfEnabled', {
        query: { sessionId },
      })
      expect(receiverId.status).toBe(200)
      const stopped = await server.call('Publisher/StopMonitoringReceiver', {
        query: { sessionId, monitoredReceiverId: receiverId.json as string },
      })
      expect(stopped.status).toBe(200)
      const active = await server.call('Publisher/IsRemoteMonitoringSessionActive', {
        query: { sessionId },
      })
      expect(active.json).toBe(true)

      for (const sn of [serial, 'SM00000000']) {
        const result = await upload(
          server,
          sessionId,
          egvBody(sn, server.clock.now(), [{ minutesAgo: 0, value: 120 }]),
        )
        expectFault(result, 'MonitoredReceiverNotAssigned')
      }
      expect(await server.store.readLatest(account.key, 0, 10)).toEqual([])
    })

    it('answers MonitoredReceiverSerialNumberDoesNotMatch for a serial number nobody has', async () => {
      const { account, sessionId } = await server.uploader()
      const result = await upload(
        server,
        sessionId,
        egvBody('SM00000000', server.clock.now(), [{ minutesAgo: 0, value: 120 }]),
      )
      expectFault(result, 'MonitoredReceiverSerialNumberDoesNotMatch')
      expect(await server.store.readLatest(account.key, 0, 10)).toEqual([])
    })

    it("answers SerialNumberAssignedToSomeoneElse for another account's serial number", async () => {
      const other = await server.addAccount()
      const otherSession = await server.login(other.account)
      const started = await server.call('Publisher/StartRemoteMonitoringSession', {
        query: { sessionId: otherSession, serialNumber: 'SM99990000' },
      })
      expect(started.status).toBe(200)

      const { account, sessionId } = await server.uploader()
      const result = await upload(
        server,
        sessionId,
        egvBody('SM99990000', server.clock.now(), [{ minutesAgo: 0, value: 120 }]),
      )
      expectFault(result, 'SerialNumberAssignedToSomeoneElse')
      expect(await server.store.readLatest(account.key, 0, 10)).toEqual([])
      expect(await server.store.readLatest(other.account.key, 0, 10)).toEqual([])
    })
  })

  describe('duplicates', () => {
    it('answers DuplicateEgvPosted when every posted reading is already stored', async () => {
      const { sessionId, serial } = await server.uploader()
      const body = egvBody(serial, server.clock.now(), [
        { minutesAgo: 5, value: 118 },
        { minutesAgo: 0, value: 120 },
      ])
      expect((await upload(server, sessionId, body)).status).toBe(200)
      expectFault(await upload(server, sessionId, body), 'DuplicateEgvPosted')
    })

    it('stores only the new readings, once, from a post mixing new and stored ones', async () => {
      const { account, sessionId, serial } = await server.uploader()
      const now = server.clock.now()
      const first = egvBody(serial, now, [
        { minutesAgo: 10, value: 110 },
        { minutesAgo: 5, value: 115 },
      ])
      expect((await upload(server, sessionId, first)).status).toBe(200)

      const mixed = egvBody(serial, now, [
        { minutesAgo: 10, value: 300 },
        { minutesAgo: 5, value: 300 },
        { minutesAgo: 0, value: 120 },
      ])
      const result = await upload(server, sessionId, mixed)
      expect(result.status).toBe(200)
      expect(result.text).toBe('')
      expect((await server.store.readLatest(account.key, 0, 100)).map((r) => r.value)).toEqual([
        120, 115, 110,
      ])
    })
  })

  describe('future readings', () => {
    it('answers FutureEgvPosted for a reading beyond the 10-minute tolerance and stores none of the post', async () => {
      const { account, sessionId, serial } = await server.uploader()
      const body = egvBody(serial, server.clock.now(), [
        { minutesAgo: 5, value: 118 },
        { minutesAgo: 0, value: 120 },
        { minutesAgo: -11, value: 125 },
      ])
      expectFault(await upload(server, sessionId, body), 'FutureEgvPosted')
      expect(await server.store.readLatest(account.key, 0, 10)).toEqual([])
    })

    it('accepts a reading dated 5 minutes ahead of the server clock', async () => {
      const { account, sessionId, serial } = await server.uploader()
      const body = egvBody(serial, server.clock.now(), [{ minutesAgo: -5, value: 125 }])
      expect((await upload(server, sessionId, body)).status).toBe(200)
      expect(await server.store.readLatest(account.key, 0, 10)).toEqual([
        { systemTime: at(server, -5), offsetMinutes: 0, value: 125, trend: 4 },
      ])
    })
  })

  describe('limits', () => {
    it('answers InvalidArgument for more readings per post than maxReadingsPerPost, and accepts the limit', async () => {
      const limited = await serverWith({ maxReadingsPerPost: 5 })
      const { account, sessionId, serial } = await limited.uploader()
      const readings = (n: number) =>
        Array.from({ length: n }, (_, i) => ({ minutesAgo: i * 5, value: 100 + i }))

      const tooMany = await upload(
        limited,
        sessionId,
        egvBody(serial, limited.clock.now(), readings(6)),
      )
      expectFault(tooMany, 'InvalidArgument')
      expect(messageOf(tooMany)).toMatch(/Egvs/)
      expect(await limited.store.readLatest(account.key, 0, 10)).toEqual([])

      const atLimit = await upload(
        limited,
        sessionId,
        egvBody(serial, limited.clock.now(), readings(5)),
      )
      expect(atLimit.status).toBe(200)
      expect(await limited.store.readLatest(account.key, 0, 10)).toHaveLength(5)
    })

    it('answers HTTP 413 PayloadTooLarge for a body over the size limit', async () => {
      const limited = await serverWith({ bodyLimitBytes: 2048 })
      const { account, sessionId, serial } = await limited.uploader()
      const body = egvBody(
        serial,
        limited.clock.now(),
        Array.from({ length: 100 }, (_, i) => ({ minutesAgo: i * 5, value: 120 })),
      )
      expect(JSON.stringify(body).length).toBeGreaterThan(2048)
      expectFault(await upload(limited, sessionId, body), 'PayloadTooLarge', 413)
      expect(await limited.store.readLatest(account.key, 0, 1000)).toEqual([])
    })
  })

  describe('input validation', () => {
    const t = Date.UTC(2026, 10, 23, 11, 55, 0)
    const good = egv(`/Date(${t})/`, `/Date(${t})/`)
    const cases: { title: string; body: unknown; field: RegExp }[] = [
      { title: 'a missing SN', body: { Egvs: [good], TA: -5 }, field: /\bSN\b/ },
      { title: 'an empty SN', body: { SN: '', Egvs: [good] }, field: /\bSN\b/ },
      {
        title: 'Egvs that is not an array',
        body: { SN: 'SM11112222', Egvs: 'none' },
        field: /Egvs/,
      },
      { title: 'missing Egvs', body: { SN: 'SM11112222' }, field: /Egvs/ },
      {
        title: 'an ST that is not a date',
        body: { SN: 'SM11112222', Egvs: [{ ...good, ST: '2026-11-23T11:55:00Z' }] },
        field: /Egvs\[0\]\.ST/,
      },
      {
        title: 'a DT that is not a date',
        body: { SN: 'SM11112222', Egvs: [good, { ...good, DT: 'yesterday' }] },
        field: /Egvs\[1\]\.DT/,
      },
      {
        title: 'a Value that is not an integer',
        body: { SN: 'SM11112222', Egvs: [{ ...good, Value: 120.5 }] },
        field: /Value/,
      },
      {
        title: 'a Value that is not a number',
        body: { SN: 'SM11112222', Egvs: [{ ...good, Value: 'high' }] },
        field: /Value/,
      },
      {
        title: 'a Value of 0',
        body: { SN: 'SM11112222', Egvs: [{ ...good, Value: 0 }] },
        field: /Value/,
      },
      {
        title: 'a Value of 5000',
        body: { SN: 'SM11112222', Egvs: [{ ...good, Value: 5000 }] },
        field: /Value/,
      },
      {
        title: 'an unknown Trend name',
        body: { SN: 'SM11112222', Egvs: [{ ...good, Trend: 'Sideways' }] },
        field: /Trend/,
      },
      {
        title: 'a Trend out of range',
        body: { SN: 'SM11112222', Egvs: [{ ...good, Trend: 12 }] },
        field: /Trend/,
      },
    ]

    it.each(cases)(
      'answers InvalidArgument naming the field for $title',
      async ({ body, field }) => {
        const { account, sessionId } = await server.uploader()
        const result = await upload(server, sessionId, body)
        expectFault(result, 'InvalidArgument')
        expect(messageOf(result)).toMatch(field)
        expect(await server.store.readLatest(account.key, 0, 10)).toEqual([])
      },
    )

    it('answers InvalidArgument when the body is missing', async () => {
      const { sessionId } = await server.uploader()
      expectFault(await server.call(UPLOAD, { query: { sessionId } }), 'InvalidArgument')
    })

    it('tolerates extra keys such as direction on each EGV and TA on the body', async () => {
      const { account, sessionId, serial } = await server.uploader()
      const t0 = at(server, 0)
      const result = await upload(server, sessionId, {
        SN: serial,
        TA: -5,
        Egvs: [{ ...egv(`/Date(${t0})/`, `/Date(${t0})/`, 120, 4), direction: 'Flat' }],
        Unknown: { nested: true },
      })
      expect(result.status).toBe(200)
      expect(await server.store.readLatest(account.key, 0, 10)).toHaveLength(1)
    })
  })

  describe('date forms', () => {
    // Each case: the raw JSON text of ST and DT (inside the quotes), and the DT suffix read back.
    const forms: { form: string; st: (ms: number) => string; suffix: string }[] = [
      { form: '/Date(ms)/', st: (ms) => `/Date(${ms})/`, suffix: '+0000' },
      { form: '\\/Date(ms)\\/ (WCF escaping)', st: (ms) => `\\/Date(${ms})\\/`, suffix: '+0000' },
      {
        form: 'a literal backslash-slash',
        st: (ms) => `\\\\/Date(${ms})\\\\/`,
        suffix: '+0000',
      },
      { form: 'Date(ms)', st: (ms) => `Date(${ms})`, suffix: '+0000' },
      { form: '/Date(ms-0500)/', st: (ms) => `/Date(${ms}-0500)/`, suffix: '-0500' },
      { form: 'Date(ms+0530)', st: (ms) => `Date(${ms}+0530)`, suffix: '+0530' },
    ]

    it.each(forms)('accepts the $form form on upload', async ({ st, suffix }) => {
      const { sessionId, serial } = await server.uploader()
      const t0 = at(server, 0)
      const raw = `{"SN":"${serial}","TA":-5,"Egvs":[{"ST":"${st(t0)}","DT":"${st(t0)}","Value":120,"Trend":4}]}`
      const result = await upload(server, sessionId, raw)
      expect(result.status).toBe(200)
      const back = await read(server, sessionId, { minutes: 10, maxCount: 1 })
      expect(back.text).toBe(
        `[{"WT":"Date(${t0})","ST":"Date(${t0})","DT":"Date(${t0}${suffix})","Value":120,"Trend":"Flat"}]`,
      )
    })

    it('reads back a DT sent as local time without a suffix (DT = ST - 5 h) with the suffix -0500', async () => {
      const { sessionId, serial } = await server.uploader()
      const st = at(server, 0)
      const dt = st - 5 * 60 * MINUTE
      const result = await upload(server, sessionId, {
        SN: serial,
        TA: 0,
        Egvs: [egv(`/Date(${st})/`, `/Date(${dt})/`, 140, 5)],
      })
      expect(result.status).toBe(200)
      const back = await read(server, sessionId, { minutes: 10, maxCount: 1 })
      expect(back.text).toBe(
        `[{"WT":"Date(${st})","ST":"Date(${st})","DT":"Date(${st}-0500)","Value":140,"Trend":"FortyFiveDown"}]`,
      )
    })
  })

  describe('trend forms', () => {
    const trends: { sent: number | string; name: string }[] = [
      { sent: 4, name: 'Flat' },
      { sent: 0, name: 'None' },
      { sent: 9, name: 'RateOutOfRange' },
      { sent: '4', name: 'Flat' },
      { sent: '1', name: 'DoubleUp' },
      { sent: 'Flat', name: 'Flat' },
      { sent: 'flat', name: 'Flat' },
      { sent: 'FortyFiveUp', name: 'FortyFiveUp' },
      { sent: 'NOT COMPUTABLE', name: 'NotComputable' },
      { sent: 'RATE OUT OF RANGE', name: 'RateOutOfRange' },
    ]

    it.each(trends)('accepts Trend $sent and reads it back as $name', async ({ sent, name }) => {
      const { sessionId, serial } = await server.uploader()
      const body = egvBody(serial, server.clock.now(), [{ minutesAgo: 0, value: 120, trend: sent }])
      expect((await upload(server, sessionId, body)).status).toBe(200)
      const back = await read(server, sessionId, { minutes: 10, maxCount: 1 })
      expect(back.json).toEqual([expect.objectContaining({ Trend: name })])
    })
  })

  it('keeps an acknowledged upload after the app and store are closed and the file is reopened', async () => {
    const { account, sessionId, serial } = await server.uploader()
    const body = egvBody(serial, server.clock.now(), [
      { minutesAgo: 5, value: 118, trend: 4 },
      { minutesAgo: 0, value: 120, trend: 3 },
    ])
    expect((await upload(server, sessionId, body)).status).toBe(200)
    await server.app.close()
    await server.store.close()

    const reopened = new SqliteStore({ path: server.dbPath })
    try {
      await reopened.migrate()
      expect(await reopened.readLatest(account.key, 0, 10)).toEqual([
        { systemTime: at(server, 0), offsetMinutes: 0, value: 120, trend: 3 },
        { systemTime: at(server, 5), offsetMinutes: 0, value: 118, trend: 4 },
      ])
      expect((await reopened.readMonitoring(account.key)).lastUploadAt).toBe(server.clock.now())
    } finally {
      await reopened.close()
    }
  })
})

describe('ReadPublisherLatestGlucoseValues', () => {
  async function seeded(on: TestServer, minutesAgo: readonly number[]) {
    const uploader = await on.uploader()
    const body = egvBody(
      uploader.serial,
      on.clock.now(),
      minutesAgo.map((m, i) => ({ minutesAgo: m, value: 100 + i })),
    )
    const result = await upload(on, uploader.sessionId, body)
    if (result.status !== 200) throw new Error(`seeding failed: ${result.text}`)
    return uploader
  }

  function values(result: CallResult): number[] {
    return (result.json as { Value: number }[]).map((egv) => egv.Value)
  }

  function times(result: CallResult): string[] {
    return (result.json as { ST: string }[]).map((egv) => egv.ST)
  }

  it('answers the exact current wire form for one reading, keys in the order WT, ST, DT, Value, Trend', async () => {
    const { sessionId } = await seeded(server, [0])
    const t0 = at(server, 0)
    const result = await read(server, sessionId, { minutes: 10, maxCount: 1 })
    expect(result.status).toBe(200)
    expect(result.headers['content-type']).toMatch(/^application\/json/)
    expect(result.text).toBe(
      `[{"WT":"Date(${t0})","ST":"Date(${t0})","DT":"Date(${t0}+0000)","Value":100,"Trend":"Flat"}]`,
    )
    expect(Object.keys((result.json as object[])[0] ?? {})).toEqual([
      'WT',
      'ST',
      'DT',
      'Value',
      'Trend',
    ])
  })

  it('answers the readings newest first whatever order they were uploaded in', async () => {
    const { sessionId } = await seeded(server, [10, 0, 20, 5, 15])
    const result = await read(server, sessionId, { minutes: 60, maxCount: 10 })
    expect(times(result)).toEqual([0, 5, 10, 15, 20].map((m) => `Date(${at(server, m)})`))
    expect(values(result)).toEqual([101, 103, 100, 104, 102])
  })

  it('answers only the readings of the last `minutes`, a window that ends now', async () => {
    const { sessionId } = await seeded(server, [0, 5, 10, 15, 20])
    const first = await read(server, sessionId, { minutes: 12, maxCount: 10 })
    expect(times(first)).toEqual([0, 5, 10].map((m) => `Date(${at(server, m)})`))

    const uploadedAt = server.clock.now()
    server.clock.advance(8 * MINUTE)
    const later = await read(server, sessionId, { minutes: 12, maxCount: 10 })
    expect(times(later)).toEqual([`Date(${uploadedAt})`])
  })

  it('answers the first maxCount readings, the newest ones', async () => {
    const { sessionId } = await seeded(server, [0, 5, 10, 15, 20])
    const result = await read(server, sessionId, { minutes: 60, maxCount: 2 })
    expect(times(result)).toEqual([0, 5].map((m) => `Date(${at(server, m)})`))
  })

  it('answers [] when the publisher has no readings', async () => {
    const { account } = await server.addAccount()
    const sessionId = await server.login(account)
    const result = await read(server, sessionId, { minutes: 1440, maxCount: 288 })
    expect({ status: result.status, text: result.text }).toEqual({ status: 200, text: '[]' })
  })

  it('answers [] for minutes=0 and for maxCount=0', async () => {
    const { sessionId } = await seeded(server, [0, 5])
    for (const query of [
      { minutes: 0, maxCount: 10 },
      { minutes: 60, maxCount: 0 },
      { minutes: 0, maxCount: 0 },
    ]) {
      const result = await read(server, sessionId, query)
      expect({ status: result.status, text: result.text }).toEqual({ status: 200, text: '[]' })
    }
  })

  it('answers [] when every reading is older than the window', async () => {
    const { sessionId } = await seeded(server, [30, 40])
    const result = await read(server, sessionId, { minutes: 20, maxCount: 10 })
    expect(result.text).toBe('[]')
  })

  it('clamps minutes=1442 to 1440 silently', async () => {
    const { sessionId } = await seeded(server, [1441, 1439])
    const result = await read(server, sessionId, { minutes: 1442, maxCount: 289 })
    expect(result.status).toBe(200)
    expect(times(result)).toEqual([`Date(${at(server, 1439)})`])
  })

  it('clamps maxCount=289 and maxCount=1000 to 288 silently', async () => {
    // 300 readings 4 minutes apart: all inside the 24-hour window.
    const minutesAgo = Array.from({ length: 300 }, (_, i) => i * 4)
    const { sessionId } = await seeded(server, minutesAgo)
    const all = await read(server, sessionId, { minutes: 1440, maxCount: 288 })
    expect(all.json).toHaveLength(288)
    for (const maxCount of [289, 1000]) {
      const result = await read(server, sessionId, { minutes: 1440, maxCount })
      expect(result.status).toBe(200)
      expect(result.text).toBe(all.text)
    }
    expect(times(all)[0]).toBe(`Date(${at(server, 0)})`)
    expect(times(all)[287]).toBe(`Date(${at(server, 287 * 4)})`)
  })

  it('takes its parameters from a JSON body and answers GET as well as POST', async () => {
    const { sessionId } = await seeded(server, [0, 5])
    const viaBody = await server.call(READ, { body: { sessionId, minutes: 10, maxCount: 1 } })
    const viaGet = await server.call(READ, {
      method: 'GET',
      query: { sessionId, minutes: 10, maxCount: 1 },
      contentType: null,
    })
    expect(viaBody.status).toBe(200)
    expect(viaBody.text).toBe(viaGet.text)
    expect(values(viaBody)).toEqual([100])
  })

  const badQueries: { title: string; query: Record<string, string | number>; field: RegExp }[] = [
    { title: 'negative minutes', query: { minutes: -1, maxCount: 1 }, field: /minutes/ },
    { title: 'non-integer minutes', query: { minutes: '1.5', maxCount: 1 }, field: /minutes/ },
    { title: 'non-numeric minutes', query: { minutes: 'all', maxCount: 1 }, field: /minutes/ },
    { title: 'negative maxCount', query: { minutes: 10, maxCount: -3 }, field: /maxCount/ },
    { title: 'a missing maxCount', query: { minutes: 10 }, field: /maxCount/ },
    { title: 'a missing minutes', query: { maxCount: 10 }, field: /minutes/ },
  ]

  it.each(badQueries)('answers InvalidArgument for $title', async ({ query, field }) => {
    const { sessionId } = await seeded(server, [0])
    const result = await read(server, sessionId, query)
    expectFault(result, 'InvalidArgument')
    expect(messageOf(result)).toMatch(field)
  })

  it('answers /Date(ms)/ dates and integer trends in legacy mode', async () => {
    const legacy = await serverWith({ legacyWireFormat: true })
    const { sessionId } = await seeded(legacy, [0])
    const t0 = at(legacy, 0)
    const result = await read(legacy, sessionId, { minutes: 10, maxCount: 1 })
    expect(result.text).toBe(
      `[{"WT":"/Date(${t0})/","ST":"/Date(${t0})/","DT":"/Date(${t0}+0000)/","Value":100,"Trend":4}]`,
    )
  })

  it("never answers another publisher's readings", async () => {
    const first = await seeded(server, [0, 5])

    const { account } = await server.addAccount()
    const sessionId = await server.login(account)
    const started = await server.call('Publisher/StartRemoteMonitoringSession', {
      query: { sessionId, serialNumber: 'SM33334444' },
    })
    expect(started.status).toBe(200)
    const own = egvBody('SM33334444', server.clock.now(), [{ minutesAgo: 2, value: 222 }])
    expect((await upload(server, sessionId, own)).status).toBe(200)

    expect(values(await read(server, sessionId, { minutes: 60, maxCount: 10 }))).toEqual([222])
    expect(values(await read(server, first.sessionId, { minutes: 60, maxCount: 10 }))).toEqual([
      100, 101,
    ])
  })
})
