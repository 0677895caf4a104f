/**
Sends invitation e-mails through an SMTP server.
@module
*/
import { createTransport } from 'nodemailer'
import { composeInvitationMessage, type InvitationMailInput } from './invitation-message.js'
import { InvitationMailError } from './invitation-mail-error.js'

/** Sends invitations; see {@link createInvitationMailer}. */
export interface InvitationMailer {
  /** Sends one invitation. Rejects with {@link InvitationMailError} when the SMTP server does not take it. */
  sendInvitation(input: InvitationMailInput): Promise<void>
  /** Closes idle SMTP connections. */
  close(): void
}

/** Tuning of {@link createInvitationMailer}. */
export interface InvitationMailerOptions {
  /** Limit for connecting, for the greeting and for each reply. @default 10 000 ms */
  readonly timeoutMs?: number
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/

/**
Creates a mailer for one SMTP server.

@param smtpUrl `smtp://[user:password@]host[:port]` (STARTTLS when the server offers it) or
`smtps://…` (TLS from the start, usually port 465). Nodemailer's URL query options apply,
e.g. `?tls.rejectUnauthorized=false` for a self-signed test server.
@param from The sender, `glucoshare@example.org` or `"glucoshare" <glucoshare@example.org>`.
@throws TypeError when the URL or the sender cannot work; the message does not quote the URL.
*/
export function createInvitationMailer(
  smtpUrl: string,
  from: string,
  options: InvitationMailerOptions = {},
): InvitationMailer {
  const server = parseSmtpUrl(smtpUrl)
  if (!/@/.test(from) || /[\r\n]/.test(from)) {
    throw new TypeError('the invitation sender must be an e-mail address')
  }
  const timeoutMs = options.timeoutMs ?? 10_000
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError('the SMTP timeout must be a positive whole number of milliseconds')
  }
  const transport = createTransport({
    url: smtpUrl,
    // Nodemailer's defaults (2 min to connect, 10 min idle) would hold an invitation request far too long.
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  })
  return {
    async sendInvitation(input) {
      if (!ADDRESS.test(input.to)) {
        throw new TypeError('the invitation recipient must be an e-mail address')
      }
      const message = composeInvitationMessage(input)
      try {
        await transport.sendMail({
          from,
          to: input.to,
          ...message,
          headers: { 'Auto-Submitted': 'auto-generated' },
        })
      } catch (error) {
        throw toMailError(error, server)
      }
    },
    close() {
      transport.close()
    },
  }
}

interface SmtpServerInfo {
  /** `host[:port]`, safe to show. */
  readonly host: string
  readonly password: string
}

function parseSmtpUrl(smtpUrl: string): SmtpServerInfo {
  let url: URL | undefined
  try {
    url = new URL(smtpUrl)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
    throw new TypeError(
      'the SMTP URL must look like smtp://user:password@host:port or smtps://user:password@host:port',
    )
  }
  return { host: url.host, password: safeDecode(url.password) }
}

function toMailError(error: unknown, server: SmtpServerInfo): InvitationMailError {
  const details = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown
    originalCode?: unknown
    reason?: unknown
    message?: unknown
  }
  const code = typeof details.code === 'string' ? details.code : undefined
  const original = details.originalCode ?? code
  let reason: string
  if (original === 'ECONNREFUSED') reason = 'connection refused'
  else if (original === 'ETIMEDOUT') reason = 'no answer in time'
  else if (code === 'EDNS') reason = 'host name not found'
  else if (typeof details.reason === 'string') reason = `TLS failed (${details.reason})`
  else if (typeof details.message === 'string') reason = details.message.split('\n')[0]!
  else reason = 'unknown error'
  if (server.password !== '') reason = reason.split(server.password).join('***')
  return new InvitationMailError(
    `could not send the invitation e-mail through SMTP server ${server.host}: ${reason.slice(0, 300)}`,
    code,
  )
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
