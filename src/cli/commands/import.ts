/** `arrears import`: placeholder, being built (issue 4). */
import type { Command } from 'commander';

export function registerImportCommand(program: Command): void {
  program.command('import').description('(not built yet)').action(() => {
    throw new Error('arrears import is not built yet');
  });
}
