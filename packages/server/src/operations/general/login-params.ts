import { Type, type Static } from '@sinclair/typebox'
import { normalizeUuid } from '@glucoshare/sdk'
import type { AccountKind } from '../../store/store.js'
import type { Services } from '../../services.js'
import { invalidArgument } from '../../share/share-fault.js'
import { verifyLogin } from '../../auth/account-login.js'
import { openSession } from '../../auth/sessions.js'
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

/** Logs in by account id and password and answers the new session id; `kind` must match. */
export async function loginById(
  services: Services,
  params: Static<typeof byIdParams>,
  kind: AccountKind,
): Promise<string> {
  const accountId = normalizeUuid(params.accountId.trim())
  if (!accountId) throw invalidArgument('accountId is not a valid UUID.')
  const account = await verifyLogin(services, { accountId }, params.password, kind)
  return openSession(services, account)
}
