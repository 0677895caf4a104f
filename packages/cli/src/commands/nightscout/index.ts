import { defineCommand } from 'citty'

export default defineCommand({
  meta: { name: 'nightscout', description: 'Send readings to a Nightscout site' },
  subCommands: {
    push: () => import('./push.js').then((m) => m.default),
  },
})
