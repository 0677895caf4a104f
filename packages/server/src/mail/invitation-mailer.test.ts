import { createServer, type AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerOptions } from 'smtp-server'
import { afterEach, describe, expect, it } from 'vitest'
import { createInvitationMailer, type InvitationMailer } from './invitation-mailer.js'
import { InvitationMailError } from './invitation-mail-error.js'
import type { InvitationMailInput } from './invitation-message.js'

const INVITATION_ID = '5b3e9a7c-2f41-4c55-9d0e-8a1b2c3d4e5f'
const EXPIRES = Date.UTC(2026, 10, 30, 12, 0, 0)
const SMTP_PASSWORD = 'smtp-pass-Q7w9'

interface ReceivedMail {
  from: string | undefined
  to: string[]
  user: string | undefined
  raw: string
}

let cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  cleanups = []
})

async function smtpServer(options: SMTPServerOptions = {}) {
  const received: ReceivedMail[] = []
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        })
        callback()
      })
    },
    ...options,
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  cleanups.push(() => new Promise<void>((resolve) => server.close(resolve)))
  return { port, received }
}

function mailer(url: string, from = '"glucoshare" <glucoshare@example.org>'): InvitationMailer {
  const created = createInvitationMailer(url, from, { timeoutMs: 5_000 })
  cleanups.push(() => created.close())
  return created
}

const invitation: InvitationMailInput = {
  to: 'bob@example.org',
  contactName: 'Bob',
  publisherDisplayName: 'Alice Example',
  invitationId: INVITATION_ID,
  expiresAt: EXPIRES,
}

describe('createInvitationMailer', () => {
  it('sends the invitation to the follower with the id, how to accept and the expiry', async () => {
    const smtp = await smtpServer()
    await mailer(`smtp://127.0.0.1:${smtp.port}`).sendInvitation(invitation)

    expect(smtp.received).toHaveLength(1)
    const mail = smtp.received[0]!
    expect(mail.to).toEqual(['bob@example.org'])
    expect(mail.from).toBe('glucoshare@example.org')
    const { headers, text, html } = parseMail(mail.raw)
    expect(headers.get('to')).toBe('bob@example.org')
    expect(headers.get('subject')).toBe(
      'Alice Example invited you to follow their glucose on glucoshare',
    )
    expect(headers.get('auto-submitted')).toBe('auto-generated')
    for (const body of [text, html]) {
      expect(body).toContain('Alice Example')
      expect(body).toContain(INVITATION_ID)
      expect(body).toContain(`glucoshare invitations accept ${INVITATION_ID}`)
      expect(body).toContain('Subscriber/AcceptSubscriptionInvitation')
      expect(body).toContain('2026-11-30 12:00 UTC')
    }
    expect(text).toContain('Hello Bob,')
  })

  it('logs in with the credentials of the URL and includes an accept link when given', async () => {
    const smtp = await smtpServer({
      authOptional: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'mailer' && auth.password === SMTP_PASSWORD) {
          callback(null, { user: auth.username })
        } else {
          callback(new Error('Invalid username or password'))
        }
      },
    })
    await mailer(`smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:${smtp.port}`).sendInvitation({
      ...invitation,
      acceptUrl: `https://share.example.org/accept?invitationId=${INVITATION_ID}`,
    })
    expect(smtp.received[0]!.user).toBe('mailer')
    const { text, html } = parseMail(smtp.received[0]!.raw)
    expect(text).toContain(`https://share.example.org/accept?invitationId=${INVITATION_ID}`)
    expect(html).toContain(`href="https://share.example.org/accept?invitationId=${INVITATION_ID}"`)
    expect(smtp.received[0]!.raw).not.toContain(SMTP_PASSWORD)
  })

  it('keeps user-chosen names from breaking the headers or the HTML', async () => {
    const smtp = await smtpServer()
    await mailer(`smtp://127.0.0.1:${smtp.port}`).sendInvitation({
      ...invitation,
      publisherDisplayName: 'Eve <b>\r\nBcc: mallory@example.org',
      contactName: 'Zoë',
    })
    expect(smtp.received[0]!.to).toEqual(['bob@example.org'])
    const { headers, text, html } = parseMail(smtp.received[0]!.raw)
    expect(headers.has('bcc')).toBe(false)
    expect(headers.get('subject')).toBe(
      'Eve <b> Bcc: mallory@example.org invited you to follow their glucose on glucoshare',
    )
    expect(text).toContain('Hello Zoë,')
    expect(html).toContain('Eve &lt;b&gt; Bcc')
  })

  it('says clearly when the SMTP server cannot be reached, without the password', async () => {
    const port = await closedPort()
    const send = mailer(`smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:${port}`).sendInvitation(
      invitation,
    )
    const error = await send.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InvitationMailError)
    expect((error as InvitationMailError).message).toBe(
      `could not send the invitation e-mail through SMTP server 127.0.0.1:${port}: connection refused`,
    )
    expect((error as InvitationMailError).code).toBe('ESOCKET')
    expect(JSON.stringify(error) + String(error)).not.toContain(SMTP_PASSWORD)
  })

  it('reports a refused login with the server reply, without the password', async () => {
    const smtp = await smtpServer({
      authOptional: false,
      onAuth: (_auth, _session, callback) => callback(new Error('Invalid username or password')),
    })
    const error = await mailer(`smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:${smtp.port}`)
      .sendInvitation(invitation)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      )
    if (!(error instanceof InvitationMailError)) throw new Error('expected an InvitationMailError')
    expect(error.code).toBe('EAUTH')
    expect(error.message).toMatch(/SMTP server 127\.0\.0\.1:\d+: Invalid login: 535/)
    expect(error.message).not.toContain(SMTP_PASSWORD)
    expect(smtp.received).toHaveLength(0)
  })

  it('rejects a bad configuration or recipient with a clear error', async () => {
    expect(() => createInvitationMailer('http://mail.example.org', 'a@example.org')).toThrow(
      /SMTP URL must look like smtp:\/\//,
    )
    expect(() => createInvitationMailer(`smtp://u:${SMTP_PASSWORD}@`, 'a@example.org')).toThrow(
      TypeError,
    )
    expect(() => createInvitationMailer('smtp://127.0.0.1:25', 'nobody')).toThrow(
      /sender must be an e-mail address/,
    )
    const smtp = await smtpServer()
    const send = mailer(`smtp://127.0.0.1:${smtp.port}`)
    await expect(send.sendInvitation({ ...invitation, to: 'not an address' })).rejects.toThrow(
      /recipient must be an e-mail address/,
    )
    await expect(
      send.sendInvitation({ ...invitation, acceptUrl: 'javascript:alert(1)' }),
    ).rejects.toThrow(/accept URL must use http or https/)
    expect(smtp.received).toHaveLength(0)
  })
})

/** Just enough MIME for nodemailer's output: unfolded headers and decoded text/html parts. */
function parseMail(raw: string): { headers: Map<string, string>; text: string; html: string } {
  const [head = '', ...rest] = raw.split('\r\n\r\n')
  const headers = new Map<string, string>()
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    headers.set(line.slice(0, colon).toLowerCase(), decodeWords(line.slice(colon + 1).trim()))
  }
  const body = rest.join('\r\n\r\n')
  return { headers, text: part(body, 'text/plain'), html: part(body, 'text/html') }
}

function part(body: string, type: string): string {
  const match = new RegExp(
    `Content-Type: ${type}[^\\r]*\\r\\n(?:Content-Transfer-Encoding: ([\\w-]+)\\r\\n)?\\r\\n([\\s\\S]*?)\\r\\n--`,
  ).exec(body)
  if (!match) throw new Error(`no ${type} part`)
  const [, encoding, content = ''] = match
  if (encoding === 'base64') return Buffer.from(content, 'base64').toString('utf8')
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(content)
  return content
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
  return Buffer.from(bytes, 'latin1').toString('utf8')
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    )
}

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
