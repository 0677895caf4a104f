import { defineCommand } from 'citty'
import { diagnoseLogin, type DoctorReport } from '../doctor/diagnose-login.js'
import {
  defaultConfigPath,
  readShareConfig,
  resolveShareCredentials,
  type ShareArgValues,
} from '../share-credentials.js'
import { shareArgs } from './_shared.js'

export default defineCommand({
  meta: {
    name: 'doctor',
    description:
      'Explain a failing Share login: check how it is typed, try it, and try the other regions (3 logins at most)',
  },
  args: { ...shareArgs },
  async run({ args }) {
    const credentials = await resolveShareCredentials(args)
    const username =
      credentials.username === undefined ? undefined : rawUsername(args, credentials.username)
    process.stdout.write(
      `Checking the Share login of ${username !== undefined ? `"${username.trim()}"` : `account ${credentials.accountId}`}\n\n`,
    )
    const report = await diagnoseLogin({ ...credentials, username })
    process.stdout.write(formatReport(report))
    process.exitCode = report.exitCode
  },
})

/**
The username as typed: resolution trims it, but leading and trailing spaces are themselves a
finding, since other apps send them to Dexcom.
*/
function rawUsername(args: ShareArgValues, trimmed: string): string {
  const explicit = args.config !== undefined && args.config !== ''
  const config = readShareConfig(explicit ? String(args.config) : defaultConfigPath(), explicit)
  const candidates = [args.username, process.env['GLUCOSHARE_USERNAME'], config?.config.username]
  return candidates.find((value) => value !== undefined && value.trim() === trimmed) ?? trimmed
}

function formatReport(report: DoctorReport): string {
  const lines: string[] = []
  for (const finding of report.findings) {
    lines.push(`  ${finding.level.padEnd(8)} ${finding.message}`)
  }
  if (report.attempts.length > 0) {
    lines.push('', 'Logins tried:')
    const width = Math.max(...report.attempts.map((a) => a.target.length))
    for (const attempt of report.attempts) {
      const detail = attempt.outcome === 'failed' ? `failed: ${attempt.detail}` : attempt.outcome
      lines.push(`  ${attempt.target.padEnd(width)}  ${detail}`)
    }
  }
  if (report.readings !== undefined) lines.push('', `Readings: ${report.readings}`)
  lines.push('', `Diagnosis: ${report.diagnosis}`)
  if (report.fixes.length > 0) {
    lines.push('Try:', ...report.fixes.map((fix) => `  - ${fix}`))
  }
  return `${lines.join('\n')}\n`
}
