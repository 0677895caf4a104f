import { defineOperation } from '../../share/operation.js'
import { UuidAnswer } from '../../share/schemas.js'
import { byIdParams, loginById, loginFaults } from './login-params.js'

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
    return loginById(services, params, 'publisher')
  },
})
