import { defineOperation } from '../../share/operation.js'
import { UuidAnswer } from '../../share/schemas.js'
import { verifyLogin } from '../../auth/account-login.js'
import { byNameParams, loginFaults } from './login-params.js'

export const authenticatePublisherAccount = defineOperation({
  area: 'General',
  name: 'AuthenticatePublisherAccount',
  methods: ['POST'],
  summary: 'Step 1 of the current login: account name and password to account id',
  description:
    'Checks the credentials and answers the account id as a bare JSON string. Unknown users and wrong passwords both give `AccountPasswordInvalid`; repeated failures lock the account for a while (`SSO_AuthenticateMaxAttemptsExceeed`).',
  auth: 'none',
  params: byNameParams,
  response: { kind: 'json', schema: UuidAnswer('The account id.') },
  faults: loginFaults,
  async handle({ params, services }) {
    const account = await verifyLogin(
      services,
      { login: params.accountName },
      params.password,
      'publisher',
    )
    return account.id
  },
})
