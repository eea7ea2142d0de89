import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { DecryptionError } from '../shared/crypto.js';
import { NotFoundError, UsageError } from '../shared/errors.js';
import { companyCommand } from './commands/company.js';
import { migrateCommand, startCommand } from './commands/daemon.js';
import { ordersCommand } from './commands/orders.js';
import { runCommand, runsCommand, schedulesCommand } from './commands/jobs.js';
import { metricsCommand, shipCommand, shipmentsCommand } from './commands/shipments.js';
import { demoCommand, simulatorCommand } from './commands/simulator.js';

export const EXIT_USAGE = 2;
export const EXIT_CONFIG = 78;

export function buildProgram(): Command {
  const program = new Command('sellersync')
    .description("connects a seller's back office to Amazon")
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const command of [
    startCommand(),
    migrateCommand(),
    companyCommand(),
    runCommand(),
    runsCommand(),
    schedulesCommand(),
    ordersCommand(),
    shipCommand(),
    shipmentsCommand(),
    metricsCommand(),
    simulatorCommand(),
    demoCommand(),
  ]) {
    program.addCommand(command);
  }
  const applyToAll = (command: Command) => {
    command.exitOverride();
    command.showHelpAfterError('(add --help for usage)');
    command.commands.forEach(applyToAll);
  };
  applyToAll(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 wrong usage, 78 bad configuration. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the message (or the help).
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`sellersync: ${err.message}\n`);
      return EXIT_CONFIG;
    }
    if (err instanceof UsageError || err instanceof NotFoundError) {
      process.stderr.write(`sellersync: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof DecryptionError) {
      process.stderr.write(`sellersync: cannot read stored secrets: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`sellersync: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  }
}
