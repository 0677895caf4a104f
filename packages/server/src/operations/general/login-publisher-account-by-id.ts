import { normalizeUuid } from '@glucoshare/sdk'
import { defineOperation } from '../../share/operation.js'
import { UuidAnswer } from '../../share/schemas.js'
import { invalidArgument } from '../../share/share-fault.js'
import { verifyLogin } from '../../auth/account-login.js'
import { openSession } from '../../auth/sessions.js'
import { byIdParams, loginFaults } from './login-params.js'

export const loginPublisherAccountById = defineOperation({
  area: 'General',
  name: 'LoginPublisherAccountById',
  methods: ['POST'],
  summary: 'Step 2 of the current login: account id and password to session id',
  description:
    'Opens a publisher session and answers its id as a bare JSON string. A wrong password or unknown account id gives `AccountPasswordInvalid`; an account id that is not a UUID gives `InvalidArgument`.',
  auth: 'none',
  params: byIdParams,
  response: { kind: 'json', schema: UuidAnswer('The session id.') },
  faults: loginFaults,
  async handle({ params, services }) {
    const accountId = normalizeUuid(params.accountId.trim())
    if (!accountId) throw invalidArgument('accountId is not a valid UUID.')
    const account = await verifyLogin(services, { accountId }, params.password, 'publisher')
    return openSession(services, account)
  },
})
