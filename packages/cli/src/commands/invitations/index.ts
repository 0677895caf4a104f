import { defineCommand } from 'citty'

export default defineCommand({
  meta: {
    name: 'invitations',
    description: 'Show invitations to follow (server admin) and accept one (follower)',
  },
  subCommands: {
    list: () => import('./list.js').then((m) => m.default),
    accept: () => import('./accept.js').then((m) => m.default),
  },
})
