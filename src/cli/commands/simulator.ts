import { Command, InvalidArgumentError } from 'commander';
import { runDemo, type DemoOptions } from '../../simulator/demo.js';
import { startSimulator, type SimulatorServer } from '../../simulator/server.js';
import { DEFAULT_SELLER } from '../../simulator/simulation.js';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port number 0-65535.');
  return port;
}

function parsePositive(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || number > 100_000)
    throw new InvalidArgumentError('expected a number above 0 (at most 100000).');
  return number;
}

function parseSeed(value: string): number {
  if (!/^\d{1,10}$/.test(value)) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

function parseRate(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 10_000)
    throw new InvalidArgumentError('expected 0-10000 orders per hour.');
  return number;
}

function parseInstant(value: string): Date {
  const instant = new Date(value);
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(instant.getTime()))
    throw new InvalidArgumentError('expected an ISO 8601 instant with its zone, e.g. 2026-11-20T00:00:00Z.');
  return instant;
}

interface SimulatorFlags {
  /** Where the simulated clock starts (default: now). */
  start?: Date;
  port: number;
  host: string;
  timeScale: number;
  seed: number;
  ordersPerHour: number;
  json?: boolean;
}

/** What a client needs to reach the simulator, as people read it or as one JSON line. */
function announce(server: SimulatorServer, flags: SimulatorFlags): string {
  if (flags.json) {
    const line = {
      time: new Date().toISOString(),
      msg: 'simulated Amazon listening',
      url: server.url,
      simulatedNow: server.sim.clock.now().toISOString(),
      timeScale: flags.timeScale,
      seed: flags.seed,
      // The simulator's own published test seller (docs/simulator.md), not a real credential.
      seller: {
        sellerId: DEFAULT_SELLER.sellerId,
        marketplaceId: DEFAULT_SELLER.marketplaceId,
        lwaClientId: DEFAULT_SELLER.clientId,
        clientSecret: DEFAULT_SELLER.clientSecret,
        refreshToken: DEFAULT_SELLER.refreshToken,
      },
      controlApi: `${server.url}/_sim/state`,
    };
    return `${JSON.stringify(line)}\n`;
  }
  return [
    `simulated Amazon listening on ${server.url} (time scale ${flags.timeScale}, seed ${flags.seed})`,
    `  seller id       ${DEFAULT_SELLER.sellerId}   marketplace ${DEFAULT_SELLER.marketplaceId}`,
    `  lwa client id   ${DEFAULT_SELLER.clientId}`,
    `  client secret   ${DEFAULT_SELLER.clientSecret}`,
    `  refresh token   ${DEFAULT_SELLER.refreshToken}`,
    `  control API     ${server.url}/_sim/state (see docs/simulator.md)`,
    '',
  ].join('\n');
}

export function simulatorCommand(): Command {
  return new Command('simulator')
    .description('run a simulated Amazon (SP-API, LWA, documents) for tests and demos')
    .option('--port <port>', 'port to listen on (0: any free port)', parsePort, 4555)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--time-scale <k>', 'simulated seconds per real second', parsePositive, 1)
    .option('--seed <n>', 'seed of the order generator and ids', parseSeed, 1)
    .option('--orders-per-hour <n>', 'new random orders per simulated hour', parseRate, 12)
    .option('--start <instant>', 'the simulated clock starts at this instant (default: now)', parseInstant)
    .option('--json', 'print JSON lines, one object per line')
    .action(async (flags: SimulatorFlags) => {
      const server = await startSimulator(flags.start ? { ...flags, startTime: flags.start } : flags);
      process.stdout.write(announce(server, flags));
      const stop = () => {
        if (flags.json) {
          process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), msg: 'stopping' })}\n`);
        }
        server.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('start the simulator and the daemon with a demo company pointed at it')
    .option('--port <port>', 'simulator port (0: any free port)', parsePort, 0)
    .option(
      '--time-scale <k>',
      'simulated seconds per real second (1 uses short demo delays)',
      parsePositive,
      1,
    )
    .option('--seed <n>', 'seed of the order generator', parseSeed, 1)
    .option('--orders-per-hour <n>', 'new random orders per simulated hour', parseRate, 20)
    .option('--json', 'log JSON lines, one object per line (overrides LOG_PRETTY)')
    .action(async (flags: DemoOptions) => {
      await runDemo(flags);
    });
}
