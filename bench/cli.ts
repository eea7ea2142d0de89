/**
 * How long a simple command takes from the shell: `sellersync company list` run as a new process (the
 * compiled build, as installed), against a database holding a few companies.
 * Prints one JSON line last: {"command","runs","p50_ms","p90_ms","max_ms","node"}
 * Usage: npm run bench:cli [-- --runs 30]
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);
const server = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `sellersync_bench_cli_${process.pid}`;
const url = new URL(server);
url.pathname = `/${name}`;
const env = {
  ...process.env,
  NODE_ENV: 'test',
  DATABASE_URL: url.toString(),
  REDIS_PREFIX: `bench-cli-${process.pid}`,
};
const cli = (...args: string[]) => execFileSync(process.execPath, ['bin/sellersync.js', ...args], { env });

const admin = new pg.Client({ connectionString: server });
await admin.connect();
try {
  cli('migrate'); // creates the database; also builds dist/ first if it is missing or stale
  for (let i = 1; i <= 5; i++) {
    cli(
      'company',
      'add',
      ...['--name', `Bench ${i}`, '--seller-id', `A2BENCHCLI00${i}`, '--region', 'na'],
      ...['--marketplace', 'ATVPDKIKX0DER', '--lwa-client-id', 'amzn1.application-oa2-client.bench'],
      ...['--lwa-client-secret', 'bench-secret', '--refresh-token', 'Atzr|bench-token'],
    );
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    cli('company', 'list');
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]!);
  console.log(
    JSON.stringify({
      command: 'company list',
      runs,
      p50_ms: at(0.5),
      p90_ms: at(0.9),
      max_ms: Math.round(times[times.length - 1]!),
      node: process.version,
    }),
  );
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await admin.end();
}
