import { Command, CommanderError } from 'commander';
import { describeCliError, writeCliError } from './errors.js';
import { packageVersion } from './version.js';
import { cancellationsCommand, inventoryCommand } from './commands/cancellations.js';
import { companyCommand } from './commands/company.js';
import { migrateCommand, startCommand } from './commands/daemon.js';
import { ordersCommand } from './commands/orders.js';
import { refundsCommand } from './commands/refunds.js';
import { runCommand, runsCommand, schedulesCommand } from './commands/jobs.js';
import { metricsCommand, shipCommand, shipmentsCommand } from './commands/shipments.js';
import { settlementsCommand } from './commands/settlements.js';
import { demoCommand, simulatorCommand } from './commands/simulator.js';

export { EXIT_CONFIG, EXIT_UNAVAILABLE, EXIT_USAGE } from './errors.js';

export function buildProgram(output: { json: boolean; printed: () => void }): Command {
  const program = new Command('sellersync')
    .description("connects a seller's back office to Amazon")
    .version(packageVersion(), '-V, --version', 'print the version')
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
    cancellationsCommand(),
    settlementsCommand(),
    inventoryCommand(),
    refundsCommand(),
    simulatorCommand(),
    demoCommand(),
  ]) {
    program.addCommand(command);
  }
  const applyToAll = (command: Command) => {
    command.exitOverride();
    // With --json the error is printed once, as JSON, by runCli.
    command.showHelpAfterError(output.json ? false : '(add --help for usage)');
    command.configureOutput({
      outputError: (text, write) => {
        output.printed();
        if (!output.json) write(text);
      },
    });
    command.commands.forEach(applyToAll);
  };
  applyToAll(program);
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 wrong usage or not found, 69 Postgres or Redis
 * unreachable, 78 bad configuration. With --json an error is one JSON object on stderr.
 */
export async function runCli(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  let printedByCommander = false;
  const program = buildProgram({ json, printed: () => (printedByCommander = true) });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) return 0; // --help, --version
    const described = describeCliError(err);
    // Commander prints its own errors as text, except one thrown by a flag parser inside an action.
    if (json || !(err instanceof CommanderError && printedByCommander)) writeCliError(described, json);
    return described.exitCode;
  }
}
