import type { SubCommandsDef } from 'citty'

/** Subcommands, loaded only when used so that `glucoshare --help` stays fast. */
export const commands: SubCommandsDef = {
  serve: () => import('./serve.js').then((m) => m.default),
  accounts: () => import('./accounts/index.js').then((m) => m.default),
  latest: () => import('./latest.js').then((m) => m.default),
  readings: () => import('./readings.js').then((m) => m.default),
  archive: () => import('./archive/index.js').then((m) => m.default),
  export: () => import('./export.js').then((m) => m.default),
  nightscout: () => import('./nightscout/index.js').then((m) => m.default),
  doctor: () => import('./doctor.js').then((m) => m.default),
  invitations: () => import('./invitations/index.js').then((m) => m.default),
  follow: () => import('./follow.js').then((m) => m.default),
}
