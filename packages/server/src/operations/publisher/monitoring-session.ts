import { Type } from '@sinclair/typebox'
import { defineOperation } from '../../share/operation.js'
import { SessionIdParam } from '../../share/schemas.js'
import { ShareFault } from '../../share/share-fault.js'
import { assignSerial } from './receiver-assignment.js'
import { SerialNumber, normalizeSerial } from './serial-number.js'

export const isRemoteMonitoringSessionActive = defineOperation({
  area: 'Publisher',
  name: 'IsRemoteMonitoringSessionActive',
  methods: ['POST'],
  summary: 'Whether the publisher has an active monitoring session (uploads open)',
  description: 'Answers a bare `true` or `false`. xDrip+ uses it to check a cached session id.',
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam }),
  response: { kind: 'json', schema: Type.Boolean() },
  faults: [],
  async handle({ session, services }) {
    return (await services.store.readMonitoring(session.accountKey)).active
  },
})

export const startRemoteMonitoringSession = defineOperation({
  area: 'Publisher',
  name: 'StartRemoteMonitoringSession',
  methods: ['POST'],
  summary: 'Opens uploads for the publisher',
  description:
    "With a `serialNumber`, that serial becomes the account's receiver (replacing the account's own previous one) unless another account holds it. xDrip+ starts the session before it assigns its receiver, ignores Start's answer, and does not start again after a failed upload, so refusing a new serial here would stop it from uploading. Answers an empty 200.",
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam, serialNumber: Type.Optional(SerialNumber) }),
  response: { kind: 'empty' },
  faults: [
    'MonitoringSessionAlreadyActive',
    'MonitoredReceiverNotAssigned',
    'SerialNumberAssignedToSomeoneElse',
  ],
  async handle({ params, session, services }) {
    const { store } = services
    const monitoring = await store.readMonitoring(session.accountKey)
    if (monitoring.active) throw new ShareFault('MonitoringSessionAlreadyActive')
    if (params.serialNumber !== undefined) {
      await assignSerial(store, session.accountKey, normalizeSerial(params.serialNumber))
    } else if (!monitoring.receiver) {
      throw new ShareFault('MonitoredReceiverNotAssigned')
    }
    await store.setMonitoringActive(session.accountKey, true)
  },
})

export const stopRemoteMonitoringSession = defineOperation({
  area: 'Publisher',
  name: 'StopRemoteMonitoringSession',
  methods: ['POST'],
  summary: 'Closes uploads for the publisher',
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam }),
  response: { kind: 'empty' },
  faults: ['MonitoringSessionNotActive'],
  async handle({ session, services }) {
    const monitoring = await services.store.readMonitoring(session.accountKey)
    if (!monitoring.active) throw new ShareFault('MonitoringSessionNotActive')
    await services.store.setMonitoringActive(session.accountKey, false)
  },
})
