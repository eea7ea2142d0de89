import { Command, InvalidArgumentError } from 'commander';
import { runDemo } from '../../simulator/demo.js';
import { startSimulator } from '../../simulator/server.js';
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

interface SimulatorFlags {
  port: number;
  host: string;
  timeScale: number;
  seed: number;
  ordersPerHour: number;
}

export function simulatorCommand(): Command {
  return new Command('simulator')
    .description('run a simulated Amazon (SP-API, LWA, documents) for tests and demos')
    .option('--port <port>', 'port to listen on (0: any free port)', parsePort, 4555)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--time-scale <k>', 'simulated seconds per real second', parsePositive, 1)
    .option('--seed <n>', 'seed of the order generator and ids', parseSeed, 1)
    .option('--orders-per-hour <n>', 'new random orders per simulated hour', parseRate, 12)
    .action(async (flags: SimulatorFlags) => {
      const server = await startSimulator(flags);
      process.stdout.write(
        [
          `simulated Amazon listening on ${server.url} (time scale ${flags.timeScale}, seed ${flags.seed})`,
          `  seller id       ${DEFAULT_SELLER.sellerId}   marketplace ${DEFAULT_SELLER.marketplaceId}`,
          `  lwa client id   ${DEFAULT_SELLER.clientId}`,
          `  client secret   ${DEFAULT_SELLER.clientSecret}`,
          `  refresh token   ${DEFAULT_SELLER.refreshToken}`,
          `  control API     ${server.url}/_sim/state (see docs/simulator.md)`,
          '',
        ].join('\n'),
      );
      const stop = () => {
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
    .action(async (flags: { port: number; timeScale: number; seed: number; ordersPerHour: number }) => {
      await runDemo(flags);
    });
}
