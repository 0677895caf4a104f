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
    'When the account has no receiver yet and `serialNumber` is free, it is assigned to the account: xDrip+ starts the session before it assigns its receiver and ignores the answer, so refusing here would stop it from ever uploading. Answers an empty 200.',
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam, serialNumber: Type.Optional(SerialNumber) }),
  response: { kind: 'empty' },
  faults: [
    'MonitoringSessionAlreadyActive',
    'MonitoredReceiverNotAssigned',
    'MonitoredReceiverSerialNumberDoesNotMatch',
    'SerialNumberAssignedToSomeoneElse',
  ],
  async handle({ params, session, services }) {
    const { store } = services
    const monitoring = await store.readMonitoring(session.accountKey)
    if (monitoring.active) throw new ShareFault('MonitoringSessionAlreadyActive')
    const serial =
      params.serialNumber === undefined ? undefined : normalizeSerial(params.serialNumber)
    if (monitoring.receiver) {
      if (serial !== undefined && serial !== monitoring.receiver.serialNumber) {
        throw new ShareFault('MonitoredReceiverSerialNumberDoesNotMatch')
      }
    } else {
      if (serial === undefined) throw new ShareFault('MonitoredReceiverNotAssigned')
      await assignSerial(store, session.accountKey, serial)
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
