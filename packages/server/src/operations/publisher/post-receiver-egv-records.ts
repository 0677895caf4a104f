import { Type } from '@sinclair/typebox'
import { defineOperation } from '../../share/operation.js'
import { SessionIdParam } from '../../share/schemas.js'
import { ShareFault, invalidArgument } from '../../share/share-fault.js'
import type { Monitoring, Store } from '../../store/store.js'
import { normalizeSerial } from './serial-number.js'
import { toReadings } from './upload-readings.js'

const UploadEgv = Type.Object({
  ST: Type.String({
    description: 'System time (UTC), `/Date(ms)/`.',
    examples: ['/Date(1700000000000)/'],
  }),
  DT: Type.Optional(
    Type.String({
      description: 'Display time: `/Date(ms)/` in local time, or with a `±hhmm` suffix.',
    }),
  ),
  Value: Type.Integer({ minimum: 1, maximum: 1000, description: 'mg/dL (39 = LOW, 401 = HIGH).' }),
  Trend: Type.Union([Type.Integer({ minimum: 0, maximum: 9 }), Type.String()], {
    description: 'Trend 0-9; names such as `Flat` are accepted too.',
  }),
})

const UploadBody = Type.Object({
  SN: Type.String({
    minLength: 1,
    maxLength: 64,
    description: 'Serial number of the assigned receiver or transmitter.',
  }),
  Egvs: Type.Array(UploadEgv),
  TA: Type.Optional(
    Type.Number({
      description: 'Sent as -5 by community uploaders, 0 by the official app; ignored.',
    }),
  ),
})

export const postReceiverEgvRecords = defineOperation({
  area: 'Publisher',
  name: 'PostReceiverEgvRecords',
  methods: ['POST'],
  summary: 'Uploads glucose readings',
  description:
    'Stores the readings atomically and answers an empty 200 once they are committed. A reading the account already has (same system time) is skipped; a post holding only such readings answers `DuplicateEgvPosted`, which uploaders treat as success. A reading dated more than the future tolerance (10 minutes by default) ahead of the server clock rejects the whole post with `FutureEgvPosted`.',
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam }),
  body: UploadBody,
  response: { kind: 'empty' },
  faults: [
    'InvalidArgument',
    'PayloadTooLarge',
    'MonitoringSessionNotActive',
    'MonitoredReceiverNotAssigned',
    'MonitoredReceiverSerialNumberDoesNotMatch',
    'SerialNumberAssignedToSomeoneElse',
    'FutureEgvPosted',
    'DuplicateEgvPosted',
  ],
  // The session and the uploader's monitoring state in one store call: one round trip fewer.
  async withSession({ sessionId, services }) {
    const found = await services.store.readMonitoringBySession(sessionId)
    return { session: found?.session, data: found?.monitoring }
  },
  async handle({ body, session, services, preloaded }) {
    const { store, clock, config } = services
    if (body.Egvs.length > config.maxReadingsPerPost) {
      throw invalidArgument(
        `Egvs holds ${body.Egvs.length} readings; at most ${config.maxReadingsPerPost} are accepted per post.`,
      )
    }
    const readings = toReadings(body.Egvs)
    await checkUploader(store, preloaded as Monitoring, normalizeSerial(body.SN))
    const now = clock.now()
    if (readings.some((r) => r.systemTime > now + config.futureToleranceMs)) {
      throw new ShareFault('FutureEgvPosted')
    }
    if (readings.length === 0) return
    const stored = await store.insertReadings(session.accountKey, readings, now)
    if (stored.inserted === 0) throw new ShareFault('DuplicateEgvPosted')
    // The readings are stored: an alert failure is reported by the service, not to the uploader.
    await services.alerts.readingsStored(session.accountKey, stored)
  },
})

/** The uploader chain of spec 3.3: monitoring open, a receiver assigned, and this one posting. */
async function checkUploader(
  store: Store,
  monitoring: Monitoring,
  serial: string,
): Promise<Monitoring> {
  if (!monitoring.active) throw new ShareFault('MonitoringSessionNotActive')
  if (!monitoring.receiver) throw new ShareFault('MonitoredReceiverNotAssigned')
  if (monitoring.receiver.serialNumber !== serial) {
    const owner = await store.findReceiverOwner(serial)
    throw new ShareFault(
      owner === undefined
        ? 'MonitoredReceiverSerialNumberDoesNotMatch'
        : 'SerialNumberAssignedToSomeoneElse',
    )
  }
  return monitoring
}
