/**
 * The `glasswing` command: `glasswing kernel <connection file>` runs the kernel (Jupyter calls this),
 * `glasswing install [--user | --sys-prefix | --prefix P]` writes the kernelspec.
 */
import { installKernelSpec, parseInstallEnv, parseInstallTarget } from './install'
import { startKernel } from './kernel'
import { readConnectionFile } from './protocol/sockets'

const USAGE =
  'usage: glasswing install [--user | --sys-prefix | --prefix P] [--memory-mb N|off] | glasswing kernel <connection file>'

/** Runs the command line. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args
  if (command === 'install') {
    const folder = installKernelSpec(parseInstallTarget(rest), parseInstallEnv(rest))
    console.log(`Installed the Glasswing kernelspec in ${folder}`)
    return 0
  }
  if (command === 'kernel' && rest[0]) {
    // The kernel must keep answering whatever happens to one request: a stray error is logged (the
    // server's log) instead of ending the process and leaving the notebook with a dead kernel.
    process.on('uncaughtException', (error) => console.error('Glasswing kernel: unexpected error:', error))
    process.on('unhandledRejection', (error) =>
      console.error('Glasswing kernel: unexpected rejection:', error),
    )
    const kernel = await startKernel(readConnectionFile(rest[0]))
    await kernel.closed
    return 0
  }
  console.error(USAGE)
  return 2
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
