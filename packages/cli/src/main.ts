import { defineCommand, runCommand, runMain } from 'citty'
import { CLIError, EXIT } from './cli-error.js'
import { commands } from './commands/index.js'

const main = defineCommand({
  meta: {
    name: 'glucoshare',
    version: '0.1.0',
    description: 'Open Dexcom Share server, client and archive.',
  },
  subCommands: commands,
})

async function run(): Promise<void> {
  const rawArgs = process.argv.slice(2)
  // citty renders the usage of the right subcommand only through runMain.
  if (rawArgs.length === 0 || rawArgs.some((arg) => arg === '--help' || arg === '-h')) {
    await runMain(main, { rawArgs: rawArgs.length === 0 ? ['--help'] : rawArgs })
    return
  }
  try {
    await runCommand(main, { rawArgs, showUsage: true })
  } catch (error) {
    if (error instanceof CLIError) {
      process.stderr.write(`glucoshare: ${error.message}\n`)
      process.exitCode = error.exitCode
    } else if (error instanceof Error && 'code' in error && /^E(ARG$|_)/.test(String(error.code))) {
      // citty's own usage errors: EARG (missing or invalid argument), E_UNKNOWN_COMMAND and the like.
      process.stderr.write(`glucoshare: ${error.message}\nRun 'glucoshare --help' for usage.\n`)
      process.exitCode = EXIT.usage
    } else {
      process.stderr.write(
        `glucoshare: ${error instanceof Error ? error.message : String(error)}\n`,
      )
      process.exitCode = EXIT.failure
    }
  }
}

await run()
