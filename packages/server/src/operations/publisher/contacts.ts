import { randomUUID } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import { defineOperation } from '../../share/operation.js'
import { SessionIdParam, Uuid, UuidAnswer } from '../../share/schemas.js'
import { ShareFault, invalidArgument } from '../../share/share-fault.js'
import { DuplicateKeyError } from '../../store/store.js'
import { isEmailAddress } from '../../auth/email-address.js'
import { NO_ID, liveContact, sameName, subscriptionState } from './follower-records.js'
import { updateContact } from './contact-update.js'

const ContactIdParam = Uuid('Contact id from `CreateContact`.')
const ContactName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '\\S',
  description: 'The follower as the publisher names them; surrounding spaces are dropped.',
})

function nameTaken(error: unknown): unknown {
  return error instanceof DuplicateKeyError ? new ShareFault('ContactNameAlreadyExists') : error
}

export const doesContactExistByName = defineOperation({
  area: 'Publisher',
  name: 'DoesContactExistByName',
  methods: ['POST'],
  summary: 'Whether the publisher has a contact (not deleted) with this name',
  description: 'Answers a bare `true` or `false`; ASCII letters are compared without case.',
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam, contactName: ContactName }),
  response: { kind: 'json', schema: Type.Boolean() },
  faults: ['InvalidArgument'],
  async handle({ params, session, services }) {
    const name = params.contactName.trim()
    const contacts = await services.store.listContacts(session.accountKey)
    return contacts.some((contact) => sameName(contact.name, name))
  },
})

export const createContact = defineOperation({
  area: 'Publisher',
  name: 'CreateContact',
  methods: ['POST'],
  summary: 'Adds a follower contact; answers its id as a bare lower-case UUID string',
  description:
    'A publisher has at most `maxFollowers` contacts that are not deleted (10 by default, as Dexcom Follow allows); one more answers `InvalidArgument`. A name another live contact has (ASCII letters compared without case) answers `ContactNameAlreadyExists`. glucoshare sends no e-mail.',
  auth: 'publisher',
  params: Type.Object({
    sessionId: SessionIdParam,
    contactName: ContactName,
    emailAddress: Type.String({ maxLength: 320 }),
  }),
  response: { kind: 'json', schema: UuidAnswer('The new contact id.') },
  faults: ['InvalidArgument', 'InvalidEmailAddress', 'ContactNameAlreadyExists'],
  async handle({ params, session, services }) {
    const email = params.emailAddress.trim()
    if (!isEmailAddress(email)) throw new ShareFault('InvalidEmailAddress')
    const id = randomUUID()
    const max = services.config.maxFollowers
    const outcome = await services.store
      .createContact(
        {
          accountKey: session.accountKey,
          id,
          name: params.contactName.trim(),
          email,
          createdAt: services.clock.now(),
        },
        max,
      )
      .catch((error: unknown) => {
        throw nameTaken(error)
      })
    if (outcome === 'full') {
      throw invalidArgument(
        `This account already has the most followers allowed (${max}); delete one first.`,
      )
    }
    return id
  },
})

export const readContact = defineOperation({
  area: 'Publisher',
  name: 'ReadContact',
  methods: ['POST'],
  summary: 'One contact of the publisher',
  description:
    "`State` is the state of the contact's subscription (0 no invitation yet, 1 pending, 2 accepted, 3 expired) and `SubscriptionId` is all zeros before an invitation. A deleted contact, or one of another publisher, answers `ContactIdNotFound`.",
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam, contactId: ContactIdParam }),
  response: {
    kind: 'json',
    schema: Type.Object({
      ContactId: Type.String(),
      Email: Type.String(),
      Name: Type.String(),
      PublisherAccountId: Type.String(),
      State: Type.Integer(),
      SubscriptionId: Type.String(),
    }),
  },
  faults: ['InvalidArgument', 'ContactIdNotFound'],
  async handle({ params, session, services }) {
    const contact = await liveContact(services, session, params.contactId)
    return {
      ContactId: contact.id,
      Email: contact.email,
      Name: contact.name,
      PublisherAccountId: session.accountId,
      State: subscriptionState(contact.subscription, services.clock.now()),
      SubscriptionId: contact.subscription?.id ?? NO_ID,
    }
  },
})

export const updateContactName = defineOperation({
  area: 'Publisher',
  name: 'UpdateContactName',
  methods: ['POST'],
  summary: 'Renames a contact',
  auth: 'publisher',
  params: Type.Object({
    sessionId: SessionIdParam,
    contactId: ContactIdParam,
    contactName: ContactName,
  }),
  response: { kind: 'empty' },
  faults: ['InvalidArgument', 'ContactIdNotFound', 'ContactNameAlreadyExists'],
  async handle({ params, session, services }) {
    await updateContact(services.store, async () => {
      const contact = await liveContact(services, session, params.contactId)
      return { ...contact, name: params.contactName.trim() }
    }).catch((error: unknown) => {
      throw nameTaken(error)
    })
  },
})

export const deleteContact = defineOperation({
  area: 'Publisher',
  name: 'DeleteContact',
  methods: ['POST'],
  summary: 'Removes a follower: the contact and its subscription',
  description:
    'The follower loses access at once. Deleting the same contact again answers `ContactAlreadyDeleted`.',
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam, contactId: ContactIdParam }),
  response: { kind: 'empty' },
  faults: ['InvalidArgument', 'ContactIdNotFound', 'ContactAlreadyDeleted'],
  async handle({ params, session, services }) {
    const contact = await updateContact(services.store, async () => {
      const contact = await services.store.findContact(
        session.accountKey,
        params.contactId.toLowerCase(),
      )
      if (!contact) throw new ShareFault('ContactIdNotFound')
      if (contact.deletedAt !== undefined) throw new ShareFault('ContactAlreadyDeleted')
      return { ...contact, deletedAt: services.clock.now() }
    })
    if (contact.subscription) {
      await services.alerts.subscriptionChanged(session.accountKey, contact.subscription.id)
    }
  },
})
