import { defineCommand } from 'citty'
import { serve, type ServerConfig } from '@glucoshare/server'
import { CLIError, EXIT } from '../cli-error.js'
import { invitationMailerOption } from '../invitation-mailer-option.js'
import { openStore } from '../open-store.js'
import { storeArgs } from './_shared.js'

const env = process.env

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed < 0)
    throw new CLIError(`${name} must be a non-negative number, got "${value}"`, EXIT.usage)
  return parsed
}

/** Server tuning from the environment; unset variables keep the defaults. */
function configFromEnv(legacy: boolean): ServerConfig {
  const duration = (name: string, unitMs: number) => {
    const value = number(env[name], name)
    return value === undefined ? undefined : value * unitMs
  }
  const minutes = (name: string) => duration(name, 60_000)
  const days = (name: string) => duration(name, 24 * 60 * 60_000)
  const config: Record<string, unknown> = {
    legacyWireFormat: legacy,
    sessionTtlMs: minutes('GLUCOSHARE_SESSION_TTL_MINUTES'),
    lockoutMaxAttempts: number(env['GLUCOSHARE_LOCKOUT_ATTEMPTS'], 'GLUCOSHARE_LOCKOUT_ATTEMPTS'),
    lockoutWindowMs: minutes('GLUCOSHARE_LOCKOUT_MINUTES'),
    alertEventRetentionMs: days('GLUCOSHARE_ALERT_RETENTION_DAYS'),
    webhookDeliveryRetentionMs: days('GLUCOSHARE_WEBHOOK_RETENTION_DAYS'),
  }
  return Object.fromEntries(
    Object.entries(config).filter(([, v]) => v !== undefined),
  ) as ServerConfig
}

export default defineCommand({
  meta: {
    name: 'serve',
    description: 'Run the Share-compatible server (SQLite by default, no set-up needed)',
  },
  args: {
    port: {
      type: 'string',
      description: 'TCP port (env GLUCOSHARE_PORT)',
      default: env['GLUCOSHARE_PORT'] ?? '8080',
      valueHint: 'n',
    },
    host: {
      type: 'string',
      description: 'Address to listen on (env GLUCOSHARE_HOST)',
      default: env['GLUCOSHARE_HOST'] ?? '127.0.0.1',
      valueHint: 'addr',
    },
    ...storeArgs,
    'tls-cert': {
      type: 'string',
      description: 'PEM certificate file; with --tls-key, serve HTTPS (env GLUCOSHARE_TLS_CERT)',
      valueHint: 'file',
    },
    'tls-key': {
      type: 'string',
      description: 'PEM private key file (env GLUCOSHARE_TLS_KEY)',
      valueHint: 'file',
    },
    legacy: {
      type: 'boolean',
      description:
        'Answer reads in the pre-2022 form: /Date(ms)/ and integer Trend (env GLUCOSHARE_LEGACY_WIRE=1)',
      default: env['GLUCOSHARE_LEGACY_WIRE'] === '1',
    },
    'smtp-url': {
      type: 'string',
      description:
        'E-mail invitations through this SMTP server: smtp://user:password@host:port, or smtps:// for TLS from the start (env GLUCOSHARE_SMTP_URL, which keeps the password out of the process list)',
      valueHint: 'url',
    },
    'mail-from': {
      type: 'string',
      description:
        'Sender of invitation e-mails, such as glucoshare@example.org (env GLUCOSHARE_MAIL_FROM)',
      valueHint: 'address',
    },
    'log-level': {
      type: 'string',
      description: 'fatal, error, warn, info, debug (env GLUCOSHARE_LOG_LEVEL)',
      default: env['GLUCOSHARE_LOG_LEVEL'] ?? 'info',
    },
  },
  async run({ args }) {
    const port = number(args.port, '--port')
    if (port === undefined || !Number.isInteger(port) || port > 65535) {
      throw new CLIError(
        `--port must be a whole number from 0 to 65535, got "${args.port}"`,
        EXIT.usage,
      )
    }
    const tlsCertFile = args['tls-cert'] ?? env['GLUCOSHARE_TLS_CERT']
    const tlsKeyFile = args['tls-key'] ?? env['GLUCOSHARE_TLS_KEY']
    if (Boolean(tlsCertFile) !== Boolean(tlsKeyFile)) {
      throw new CLIError(
        '--tls-cert and --tls-key go together: give both for HTTPS, or neither',
        EXIT.usage,
      )
    }
    const config = configFromEnv(args.legacy)
    const mail = invitationMailerOption(
      args['smtp-url'] ?? env['GLUCOSHARE_SMTP_URL'],
      args['mail-from'] ?? env['GLUCOSHARE_MAIL_FROM'],
    )
    let store
    let server
    try {
      store = await openStore(args.db)
      server = await serve({
        store,
        port,
        host: args.host,
        config,
        logger: { level: args['log-level'] },
        ...(tlsCertFile && tlsKeyFile ? { tlsCertFile, tlsKeyFile } : {}),
        ...(mail ? { invitationMailer: mail.mailer } : {}),
      })
    } catch (error) {
      mail?.mailer.close()
      if (!store) throw error
      await store.close()
      throw new CLIError(`cannot start the server: ${(error as Error).message}`)
    }
    process.stdout.write(`glucoshare listening on ${server.url}\n`)
    if (mail) process.stdout.write(`invitation e-mails go out through SMTP server ${mail.host}\n`)
    const stop = (signal: string) => {
      server.app.log.info({ signal }, 'shutting down')
      server.close().then(
        () => process.exit(EXIT.ok),
        () => process.exit(EXIT.failure),
      )
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  },
})
