#!/usr/bin/env node
/**
 * `arrears`: the operations CLI (`npm run arrears -- <command>`).
 * Each command lives in its own file under commands/ and registers itself here.
 */
import { Command } from 'commander';
import { registerAccessLogCommand } from './commands/access-log';
import { registerAgentTasksCommand } from './commands/agent-tasks';
import { registerAppointmentsCommands } from './commands/appointments';
import { registerCallOutcomeCommand } from './commands/call-outcome';
import { registerFamilyContactCommands } from './commands/family-contact';
import { registerHoldCommands } from './commands/holds';
import { registerImportCommand } from './commands/import';
import { registerLegalCommands } from './commands/legal';
import { registerNegotiationCommands } from './commands/negotiation';
import { registerLoginCommand } from './commands/login';
import { registerOptOutCommand } from './commands/opt-out';
import { registerOverrideStageCommand } from './commands/override-stage';
import { registerPromiseCommand } from './commands/promise';
import { registerReportCommand } from './commands/report';
import { registerScoreCommands } from './commands/score';
import { registerScreenCommand } from './commands/screen';
import { registerUiCommands } from './commands/ui';
import { registerVisitCommands } from './commands/visits';
import { cliFailureMessage } from './failure-message';

export function buildProgram(): Command {
  const program = new Command('arrears')
    .description('Arrears operations: import the loan book, screen it, work the collection list')
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerLoginCommand(program);
  registerUiCommands(program);
  registerImportCommand(program);
  registerScreenCommand(program);
  registerScoreCommands(program);
  registerAgentTasksCommand(program);
  registerCallOutcomeCommand(program);
  registerPromiseCommand(program);
  registerHoldCommands(program);
  registerOptOutCommand(program);
  registerAppointmentsCommands(program);
  registerVisitCommands(program);
  registerOverrideStageCommand(program);
  registerFamilyContactCommands(program);
  registerNegotiationCommands(program);
  registerReportCommand(program);
  registerAccessLogCommand(program);
  registerLegalCommands(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`arrears: ${cliFailureMessage(err)}\n`);
      process.exitCode = 1;
    });
}
