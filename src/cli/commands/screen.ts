/** `arrears screen`: placeholder, being built (issue 4). */
import type { Command } from 'commander';

export function registerScreenCommand(program: Command): void {
  program.command('screen').description('(not built yet)').action(() => {
    throw new Error('arrears screen is not built yet');
  });
}
