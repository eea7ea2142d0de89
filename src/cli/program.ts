import { Command, CommanderError } from 'commander';
import { describeCliError, writeCliError } from './errors.js';
import { packageVersion } from './version.js';

/**
 * Every command, by name, loaded only when it is the one asked for: a command's module brings in what
 * it needs (BullMQ, the Amazon client, the admin server, the simulator), and a simple one should not pay
 * for the others at every start.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./commands/daemon.js')).startCommand(),
  migrate: async () => (await import('./commands/daemon.js')).migrateCommand(),
  company: async () => (await import('./commands/company.js')).companyCommand(),
  run: async () => (await import('./commands/jobs.js')).runCommand(),
  runs: async () => (await import('./commands/jobs.js')).runsCommand(),
  schedules: async () => (await import('./commands/jobs.js')).schedulesCommand(),
  orders: async () => (await import('./commands/orders.js')).ordersCommand(),
  ship: async () => (await import('./commands/shipments.js')).shipCommand(),
  shipments: async () => (await import('./commands/shipments.js')).shipmentsCommand(),
  metrics: async () => (await import('./commands/shipments.js')).metricsCommand(),
  cancellations: async () => (await import('./commands/cancellations.js')).cancellationsCommand(),
  settlements: async () => (await import('./commands/settlements.js')).settlementsCommand(),
  inventory: async () => (await import('./commands/cancellations.js')).inventoryCommand(),
  refunds: async () => (await import('./commands/refunds.js')).refundsCommand(),
  feeds: async () => (await import('./commands/feeds.js')).feedsCommand(),
  returns: async () => (await import('./commands/returns.js')).returnsCommand(),
  audit: async () => (await import('./commands/audit.js')).auditCommand(),
  simulator: async () => (await import('./commands/simulator.js')).simulatorCommand(),
  demo: async () => (await import('./commands/simulator.js')).demoCommand(),
};

/** The command named in argv alone, or all of them (help, a mistyped name, no command at all). */
async function loadCommands(argv: string[]): Promise<Command[]> {
  const name = argv.find((arg) => !arg.startsWith('-'));
  const load = name === undefined ? undefined : COMMANDS[name];
  if (load) return [await load()];
  return Promise.all(Object.values(COMMANDS).map((loadOne) => loadOne()));
}

export { EXIT_CONFIG, EXIT_UNAVAILABLE, EXIT_USAGE } from './errors.js';

export async function buildProgram(
  argv: string[],
  output: { json: boolean; printed: () => void },
): Promise<Command> {
  const program = new Command('sellersync')
    .description("connects a seller's back office to Amazon")
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const command of await loadCommands(argv)) program.addCommand(command);
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
  try {
    const program = await buildProgram(argv, { json, printed: () => (printedByCommander = true) });
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
