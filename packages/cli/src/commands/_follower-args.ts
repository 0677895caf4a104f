import type { ArgsDef } from 'citty'

/**
Where and as whom to follow: a glucoshare server and a follower account, resolved by
`follower-credentials.ts` (flags, then `GLUCOSHARE_*` variables, then the config file). Passwords
never go on the command line.
*/
export const followerArgs = {
  server: {
    type: 'string',
    description: 'Base URL of the glucoshare server (env GLUCOSHARE_SERVER)',
    valueHint: 'url',
  },
  'follower-id': {
    type: 'string',
    description:
      "The follower's account id, shown by `glucoshare accounts list` (env GLUCOSHARE_FOLLOWER_ID)",
    valueHint: 'uuid',
  },
  'password-stdin': {
    type: 'boolean',
    description:
      "Read the follower's password from standard input; otherwise env GLUCOSHARE_FOLLOWER_PASSWORD, the config file, or a prompt",
    default: false,
  },
  config: {
    type: 'string',
    description:
      'JSON config file with server, followerId, followerPassword (default $XDG_CONFIG_HOME/glucoshare/config.json or ~/.config/glucoshare/config.json)',
    valueHint: 'file',
  },
  insecure: {
    type: 'boolean',
    description: "Do not verify the server's TLS certificate (self-signed servers)",
    default: false,
  },
} as const satisfies ArgsDef
