import { Type } from '@sinclair/typebox'
import { defineOperation } from '../../share/operation.js'
import { Password, SessionIdParam } from '../../share/schemas.js'
import { ShareFault } from '../../share/share-fault.js'
import { DuplicateKeyError } from '../../store/store.js'
import { hashPassword, verifyPassword } from '../../auth/password.js'
import { isEmailAddress } from '../../auth/email-address.js'

const sessionOnly = Type.Object({ sessionId: SessionIdParam })

export const logoutPublisherAccount = defineOperation({
  area: 'Publisher',
  name: 'LogoutPublisherAccount',
  methods: ['POST'],
  summary: 'Ends the session',
  description: 'Later calls with this session id answer `SessionNotValid`.',
  auth: 'publisher',
  params: sessionOnly,
  response: { kind: 'empty' },
  faults: [],
  async handle({ session, services }) {
    await services.store.endSession(session.id, services.clock.now())
  },
})

export const readPublisherAccountDisplayName = defineOperation({
  area: 'Publisher',
  name: 'ReadPublisherAccountDisplayName',
  methods: ['POST'],
  summary: "The publisher's display name, as a bare JSON string",
  auth: 'publisher',
  params: sessionOnly,
  response: { kind: 'json', schema: Type.String() },
  faults: [],
  async handle({ session, services }) {
    return (await services.store.findAccountByKey(session.accountKey))?.displayName ?? ''
  },
})

export const updatePublisherAccountDisplayName = defineOperation({
  area: 'Publisher',
  name: 'UpdatePublisherAccountDisplayName',
  methods: ['POST'],
  summary: "Changes the publisher's display name",
  auth: 'publisher',
  params: Type.Object({
    sessionId: SessionIdParam,
    displayName: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  }),
  response: { kind: 'empty' },
  faults: ['InvalidArgument'],
  async handle({ params, session, services }) {
    await services.store.updateAccount(session.accountKey, {
      displayName: params.displayName.trim(),
    })
  },
})

export const readPublisherAccountEmail = defineOperation({
  area: 'Publisher',
  name: 'ReadPublisherAccountEmail',
  methods: ['POST'],
  summary: "The publisher's email address, as a bare JSON string (empty when none)",
  auth: 'publisher',
  params: sessionOnly,
  response: { kind: 'json', schema: Type.String() },
  faults: [],
  async handle({ session, services }) {
    return (await services.store.findAccountByKey(session.accountKey))?.email ?? ''
  },
})

export const updatePublisherAccountEmail = defineOperation({
  area: 'Publisher',
  name: 'UpdatePublisherAccountEmail',
  methods: ['POST'],
  summary: "Changes the publisher's email address",
  description:
    'An address that is malformed or already used by another account answers `InvalidEmailAddress`.',
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam, emailAddress: Type.String({ maxLength: 320 }) }),
  response: { kind: 'empty' },
  faults: ['InvalidEmailAddress'],
  async handle({ params, session, services }) {
    const email = params.emailAddress.trim()
    if (!isEmailAddress(email)) throw new ShareFault('InvalidEmailAddress')
    // Usernames, emails and phone numbers share one login namespace (see createAccount).
    const holder = await services.store.findAccountByLogin(email)
    if (holder && holder.key !== session.accountKey) {
      throw new ShareFault('InvalidEmailAddress', 'The email address is used by another account.')
    }
    try {
      await services.store.updateAccount(session.accountKey, { email })
    } catch (error) {
      if (error instanceof DuplicateKeyError) {
        throw new ShareFault('InvalidEmailAddress', 'The email address is used by another account.')
      }
      throw error
    }
  },
})

export const changePublisherAccountPassword = defineOperation({
  area: 'Publisher',
  name: 'ChangePublisherAccountPassword',
  methods: ['POST'],
  summary: "Changes the publisher's password",
  description:
    "Dexcom's body fields for this call were never recovered; glucoshare takes `oldPassword` and `newPassword` (any letter case) from a JSON body. The new password needs 8 to 1024 characters. Every other session of the account is ended.",
  auth: 'publisher',
  params: Type.Object({
    sessionId: SessionIdParam,
    oldPassword: Password,
    newPassword: Type.String({ minLength: 8, maxLength: 1024 }),
  }),
  response: { kind: 'empty' },
  faults: ['InvalidArgument', 'AccountPasswordInvalid'],
  async handle({ params, session, services }) {
    const { store, clock } = services
    const account = await store.findAccountByKey(session.accountKey)
    if (!account || !(await verifyPassword(params.oldPassword, account.passwordHash))) {
      throw new ShareFault('AccountPasswordInvalid')
    }
    await store.updateAccount(account.key, { passwordHash: await hashPassword(params.newPassword) })
    await store.endAccountSessions(account.key, session.id, clock.now())
  },
})

export const updatePublisherAccountRuntimeInfo = defineOperation({
  area: 'Publisher',
  name: 'UpdatePublisherAccountRuntimeInfo',
  methods: ['POST'],
  summary: 'Records the uploading device and app (session id in the body)',
  auth: 'publisher',
  params: Type.Object({
    sessionId: SessionIdParam,
    runtimeInfo: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean(), Type.Null()]),
        {
          maxProperties: 32,
          description:
            'DeviceManufacturer, DeviceModel, DeviceOsVersion, AppVersion, AppName, AppNumber, DeviceOsName.',
        },
      ),
    ),
  }),
  response: { kind: 'empty' },
  faults: ['InvalidArgument'],
  async handle({ params, session, services }) {
    await services.store.writeRuntimeInfo(session.accountKey, params.runtimeInfo ?? {})
  },
})
