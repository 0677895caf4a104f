import { Type } from '@sinclair/typebox'
import { ApplicationId, Password } from '../../share/schemas.js'

/** Parameters of the by-name logins: what the user typed as account name, and the password. */
export const byNameParams = Type.Object({
  accountName: Type.String({
    minLength: 1,
    maxLength: 320,
    description: 'Username, email address, or phone number as `+<country><number>`.',
  }),
  password: Password,
  applicationId: ApplicationId,
})

/** Parameters of the by-id logins. */
export const byIdParams = Type.Object({
  accountId: Type.String({
    minLength: 1,
    description: 'Account id (UUID, any letter case).',
  }),
  password: Password,
  applicationId: ApplicationId,
})

/** The login faults every login operation can answer with. */
export const loginFaults = [
  'InvalidArgument',
  'AccountPasswordInvalid',
  'SSO_AuthenticateMaxAttemptsExceeed',
] as const
