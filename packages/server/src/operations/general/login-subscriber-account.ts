import { defineOperation } from '../../share/operation.js'
import { UuidAnswer } from '../../share/schemas.js'
import { byIdParams, loginById, loginFaults } from './login-params.js'

export const loginSubscriberAccount = defineOperation({
  area: 'General',
  name: 'LoginSubscriberAccount',
  methods: ['POST'],
  summary: "Follower login: the follower's account id and password to a follower session id",
  description:
    "Opens a follower (subscriber) session, as the 2016-2018 follower clients did, and answers its id as a bare JSON string. The account id is the follower's own, not a name (no client shows a by-name follower login). Publisher credentials, a wrong password and an unknown account id all give `AccountPasswordInvalid`; lockout counts with the other logins.",
  auth: 'none',
  params: byIdParams,
  response: { kind: 'json', schema: UuidAnswer('The follower session id.') },
  faults: loginFaults,
  async handle({ params, services }) {
    return loginById(services, params, 'follower')
  },
})
