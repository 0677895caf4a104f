/**
Writes generated text to standard output or to a file, with backpressure. A file appears only
when complete: it is written next to its final name and renamed at the end.
@module
*/
import { createWriteStream, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CLIError } from '../cli-error.js'

/**
Writes `chunks` to `file`, or to standard output when `file` is undefined. A reader that goes
away early (`glucoshare export | head`) ends the export quietly.
*/
export async function writeOutput(
  chunks: Iterable<string> | AsyncIterable<string>,
  file: string | undefined,
): Promise<void> {
  if (file === undefined) {
    try {
      await pipeline(Readable.from(chunks), process.stdout, { end: false })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error
    }
    return
  }
  const partial = join(dirname(file), `.${basename(file)}.${process.pid}.partial`)
  try {
    await pipeline(Readable.from(chunks), createWriteStream(partial, { flags: 'wx' }))
    renameSync(partial, file)
  } catch (error) {
    rmSync(partial, { force: true })
    const code = (error as NodeJS.ErrnoException).code
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      const reason: Record<string, string> = {
        ENOENT: 'its folder does not exist',
        EACCES: 'permission denied',
        EROFS: 'the file system is read-only',
        ENOSPC: 'the disk is full',
        EISDIR: 'it is a folder',
      }
      throw new CLIError(`cannot write ${file}: ${reason[code] ?? code}`)
    }
    throw error
  }
}
