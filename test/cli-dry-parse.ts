/**
 * Parses command lines against the `arrears` CLI's own commander definitions without
 * running them: every command's action is a no-op. Reads a JSON array of argument lists
 * on stdin; writes a JSON array of the parse errors (null: it parsed). A child process
 * because jest cannot load the CLI's ESM-only dependencies (node-pg-migrate).
 */
import { text } from 'node:stream/consumers';
import { type Command, CommanderError } from 'commander';
import { buildProgram } from '../src/cli/arrears';

/** A program whose commands parse but do nothing: a parse error is all it can report. */
function dryProgram(): Command {
  const program = buildProgram();
  const quiet = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    if (command.commands.length === 0) command.action(() => undefined);
    command.commands.forEach(quiet);
  };
  quiet(program);
  return program;
}

async function parseError(args: string[]): Promise<string | null> {
  try {
    await dryProgram().parseAsync(args, { from: 'user' });
    return null;
  } catch (err) {
    if (err instanceof CommanderError && err.code === 'commander.helpDisplayed') return null;
    return err instanceof Error ? err.message : String(err);
  }
}

async function main(): Promise<void> {
  const lists = JSON.parse(await text(process.stdin)) as string[][];
  const errors: (string | null)[] = [];
  for (const args of lists) errors.push(await parseError(args));
  process.stdout.write(JSON.stringify(errors));
}

void main();
