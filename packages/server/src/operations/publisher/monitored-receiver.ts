import { Type } from '@sinclair/typebox'
import { normalizeUuid, type AssignmentStatus } from '@glucoshare/sdk'
import { defineOperation } from '../../share/operation.js'
import { SessionIdParam, Uuid, UuidAnswer } from '../../share/schemas.js'
import { ShareFault } from '../../share/share-fault.js'
import { assignSerial } from './receiver-assignment.js'
import { SerialNumber, normalizeSerial } from './serial-number.js'

export const checkMonitoredReceiverAssignmentStatus = defineOperation({
  area: 'Publisher',
  name: 'CheckMonitoredReceiverAssignmentStatus',
  methods: ['POST'],
  summary: 'Who a receiver serial number is assigned to',
  description: 'Answers a bare string: `NotAssigned`, `AssignedToYou` or `AssignedToSomeoneElse`.',
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam, serialNumber: SerialNumber }),
  response: {
    kind: 'json',
    schema: Type.Union([
      Type.Literal('NotAssigned'),
      Type.Literal('AssignedToYou'),
      Type.Literal('AssignedToSomeoneElse'),
    ]),
  },
  faults: ['InvalidArgument'],
  async handle({ params, session, services }): Promise<AssignmentStatus> {
    const owner = await services.store.findReceiverOwner(normalizeSerial(params.serialNumber))
    if (owner === undefined) return 'NotAssigned'
    return owner === session.accountKey ? 'AssignedToYou' : 'AssignedToSomeoneElse'
  },
})

export const replacePublisherAccountMonitoredReceiver = defineOperation({
  area: 'Publisher',
  name: 'ReplacePublisherAccountMonitoredReceiver',
  methods: ['POST'],
  summary: "Makes a serial number the publisher's receiver, replacing any other",
  description:
    "Answers the monitored receiver's id. A serial number assigned to another account is refused with `SerialNumberAssignedToSomeoneElse`; that account must stop monitoring it first.",
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam, serialNumber: SerialNumber }),
  response: { kind: 'json', schema: UuidAnswer('The monitored receiver id.') },
  faults: ['InvalidArgument', 'SerialNumberAssignedToSomeoneElse'],
  async handle({ params, session, services }) {
    return assignSerial(services.store, session.accountKey, normalizeSerial(params.serialNumber))
  },
})

export const getMonitoredReceiverIdIfEnabled = defineOperation({
  area: 'Publisher',
  name: 'GetMonitoredReceiverIdIfEnabled',
  methods: ['POST'],
  summary: "The id of the publisher's monitored receiver",
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam }),
  response: { kind: 'json', schema: UuidAnswer('The monitored receiver id.') },
  faults: ['MonitoredReceiverNotAssigned'],
  async handle({ session, services }) {
    const { receiver } = await services.store.readMonitoring(session.accountKey)
    if (!receiver) throw new ShareFault('MonitoredReceiverNotAssigned')
    return receiver.id
  },
})

export const stopMonitoringReceiver = defineOperation({
  area: 'Publisher',
  name: 'StopMonitoringReceiver',
  methods: ['POST'],
  summary: 'Unassigns the monitored receiver, freeing its serial number',
  auth: 'publisher',
  params: Type.Object({
    sessionId: SessionIdParam,
    monitoredReceiverId: Uuid('The id ReplacePublisherAccountMonitoredReceiver answered.'),
  }),
  response: { kind: 'empty' },
  faults: ['InvalidArgument', 'MonitoredReceiverNotAssigned'],
  async handle({ params, session, services }) {
    const id = normalizeUuid(params.monitoredReceiverId) ?? ''
    if (!(await services.store.unassignReceiver(session.accountKey, id))) {
      throw new ShareFault('MonitoredReceiverNotAssigned')
    }
  },
})
