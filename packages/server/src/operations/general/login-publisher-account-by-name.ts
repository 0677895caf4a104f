import { defineOperation } from '../../share/operation.js'
import { UuidAnswer } from '../../share/schemas.js'
import { verifyLogin } from '../../auth/account-login.js'
import { openSession } from '../../auth/sessions.js'
import { byNameParams, loginFaults } from './login-params.js'

export const loginPublisherAccountByName = defineOperation({
  area: 'General',
  name: 'LoginPublisherAccountByName',
  methods: ['POST'],
  summary: 'Legacy one-step login: account name and password to session id',
  description:
    "Share's pre-2021 login, still used by xDrip+'s uploader, Spike and Loop's 2021 client. Unlike Dexcom's current service, which answers the all-zeros UUID, glucoshare opens a real session for valid credentials.",
  auth: 'none',
  params: byNameParams,
  response: { kind: 'json', schema: UuidAnswer('The session id.') },
  faults: loginFaults,
  async handle({ params, services }) {
    const account = await verifyLogin(
      services,
      { login: params.accountName },
      params.password,
      'publisher',
    )
    return openSession(services, account)
  },
})
