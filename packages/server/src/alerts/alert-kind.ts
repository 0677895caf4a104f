/**
The alert kinds come from the SDK, so that server and clients name them alike. The engine
evaluates them in that order: urgent low comes before low because urgent low suppresses low's
notifications. The first four are Share's (`FixedLowAlert`, `LowAlert`, `HighAlert`,
`NoDataAlert`); the last three are glucoshare extensions, off by default.
@module
*/
export { ALERT_KINDS, isAlertKind } from '@glucoshare/sdk'
export type { AlertKind } from '@glucoshare/sdk'
