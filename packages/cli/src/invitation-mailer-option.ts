/**
The invitation mailer of `glucoshare serve`, from `--smtp-url`/`GLUCOSHARE_SMTP_URL` and
`--mail-from`/`GLUCOSHARE_MAIL_FROM`. Messages name the SMTP host only, never the URL, which may
hold a password.
@module
*/
import { createInvitationMailer, type InvitationMailer } from '@glucoshare/server'
import { CLIError, EXIT } from './cli-error.js'

/** A mailer and the SMTP host it sends through, safe to print. */
export interface InvitationMailerOption {
  readonly mailer: InvitationMailer
  readonly host: string
}

/** The mailer the options ask for; `undefined` when neither is given. */
export function invitationMailerOption(
  smtpUrl: string | undefined,
  mailFrom: string | undefined,
): InvitationMailerOption | undefined {
  const url = smtpUrl?.trim() || undefined
  const from = mailFrom?.trim() || undefined
  if (!url && !from) return undefined
  if (!url) {
    throw new CLIError(
      '--mail-from needs --smtp-url (env GLUCOSHARE_SMTP_URL): the SMTP server that sends invitation e-mails',
      EXIT.usage,
    )
  }
  if (!from) {
    throw new CLIError(
      '--smtp-url needs --mail-from (env GLUCOSHARE_MAIL_FROM): the sender address of invitation e-mails, such as glucoshare@example.org',
      EXIT.usage,
    )
  }
  try {
    const mailer = createInvitationMailer(url, from)
    return { mailer, host: new URL(url).host }
  } catch (error) {
    // createInvitationMailer's messages never quote the URL.
    throw new CLIError(`cannot send invitation e-mails: ${(error as Error).message}`, EXIT.usage)
  }
}
