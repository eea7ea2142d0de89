/**
 * Many companies on one daemon for a while: one `sellersync start` child process with its own database and
 * its own redis-server, every company a seller of its own on the time-scaled simulator (in this process),
 * two orders each waiting on Amazon. Samples the daemon's RSS and CPU, Postgres connections and Redis memory
 * every few seconds, and prints one JSON line last:
 *   start_lag_ms        p50/p99/max between a scheduled run's due time (BullMQ's, in its job id) and its start;
 *                       the same for runs due after the first interval, and the p99 of each minute
 *   runs                scheduled runs by kind and status
 *   rss_mb              the daemon's resident memory: when ready, min/max over the last half, at the end,
 *                       the last half's slope (MiB per minute, least squares) and the median of each minute
 *   cpu_percent         the daemon's CPU time over the run's wall time (100 = one core)
 *   pg_connections      connections to the soak's database: max and at the end
 *   redis_mb            Redis used_memory before the daemon started and at the end, and bytes per company
 *   amazon_calls        SP-API calls the simulator answered, by operation, and per company per hour
 * Usage: npm run soak -- [--companies 1000] [--minutes 10] [--interval 30] [--time-scale 60]
 *        [--node-options "…"] (the daemon's NODE_OPTIONS; the image's by default)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createCompany } from '../src/companies/companies.service.js';
import { loadConfig, readEnvironment } from '../src/config.js';
import { createDb, ensureDatabaseExists } from '../src/db/client.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createOrder } from '../src/simulator/generator.js';
import { startSimulator } from '../src/simulator/server.js';
import { DEFAULT_SELLER } from '../src/simulator/simulation.js';
import { freePort, OwnRedis } from '../test/helpers/own-redis.js';

const { values } = parseArgs({
  options: {
    companies: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '10' },
    interval: { type: 'string', default: '30' },
    'time-scale': { type: 'string', default: '60' },
    'sample-seconds': { type: 'string', default: '5' },
    'node-options': { type: 'string' },
  },
});
const COMPANIES = Number(values.companies);
const MINUTES = Number(values.minutes);
const INTERVAL = Number(values.interval);
const TIME_SCALE = Number(values['time-scale']);
const SAMPLE_MS = Number(values['sample-seconds']) * 1000;
/** The daemon runs with the Node options the image sets (or --node-options). */
const IMAGE_NODE_OPTIONS =
  /^ENV NODE_OPTIONS="?([^"\n]*?)"?$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1] ?? '';
const NODE_OPTIONS = values['node-options'] ?? IMAGE_NODE_OPTIONS;
const BASE_URL = readEnvironment().BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DAY = 86_400_000;

function databaseUrl(name: string): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Resident memory (MiB) and CPU seconds of a process, from /proc. */
function processStats(pid: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime + stime
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / 100 };
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const loadAtStart = loadavg().map((load) => round(load, 2));
  const name = `sellersync_soak_${process.pid}`;
  const url = databaseUrl(name);
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  const redisServer = new OwnRedis();
  await redisServer.start();
  const redis = new Redis(redisServer.url);
  const sim = await startSimulator({
    seed: 1000,
    timeScale: TIME_SCALE,
    ordersPerHour: 0,
    startTime: new Date(Date.now() - DAY),
  });
  const calls = new Map<string, number>();
  const record = sim.sim.store.record.bind(sim.sim.store);
  sim.sim.store.record = (request) => {
    calls.set(request.operation, (calls.get(request.operation) ?? 0) + 1);
    record(request);
  };
  let daemonPid: number | undefined;
  try {
    await ensureDatabaseExists(url, 10_000);
    const config = loadConfig({ DATABASE_URL: url, NODE_ENV: 'test' });
    const db = createDb(url, 4);
    await migrateToLatest(db);
    for (let index = 0; index < COMPANIES; index++) {
      const sellerId = `ASOAK${String(index + 1).padStart(6, '0')}`;
      const secrets = { clientSecret: `soak-secret-${index}`, refreshToken: `Atzr|soak-${index}` };
      sim.sim.store.sellers.set(sellerId, { ...DEFAULT_SELLER, sellerId, ...secrets });
      await createCompany(db, config.keyring, {
        name: `Soak seller ${index + 1}`,
        sellerId,
        region: 'na',
        marketplaceIds: [DEFAULT_SELLER.marketplaceId],
        endpoint: sim.url,
        lwaClientId: DEFAULT_SELLER.clientId,
        lwaClientSecret: secrets.clientSecret,
        refreshToken: secrets.refreshToken,
        allowOrderDownload: true,
        allowFulfillmentUpload: true,
        downloadIntervalMinutes: INTERVAL,
        uploadIntervalMinutes: INTERVAL,
      });
      for (let order = 0; order < 2; order++) {
        createOrder(
          sim.sim,
          {
            sellerId,
            fulfilledBy: 'MERCHANT',
            pendingMinutes: 0,
            programs: [],
            items: [{ quantity: 1, customized: false }],
          },
          sim.sim.now(),
        );
      }
    }
    const redisBefore = await usedMemoryMb(redis);

    const adminPort = await freePort();
    const daemon = spawn(process.execPath, ['bin/sellersync.js', 'start'], {
      env: {
        ...process.env,
        NODE_OPTIONS: NODE_OPTIONS,
        NODE_ENV: 'test',
        DATABASE_URL: url,
        REDIS_URL: redisServer.url,
        REDIS_PREFIX: 'soak',
        ADMIN_PORT: String(adminPort),
        ADMIN_HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        MIGRATE_ON_START: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    daemonPid = daemon.pid;
    let errors = 0;
    const lastErrors: string[] = [];
    const onOutput = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        if (/"level":(50|60)/.test(line)) {
          errors += 1;
          lastErrors.splice(0, Math.max(0, lastErrors.length - 4), line.slice(0, 300));
        }
      }
    };
    daemon.stdout.on('data', onOutput);
    daemon.stderr.on('data', onOutput);
    await waitReady(adminPort);
    const pid = daemon.pid ?? 0;
    const startedAt = Date.now();
    const startStats = processStats(pid);
    const samples: { t: number; rssMb: number; pgConnections: number; redisMb: number }[] = [];
    while (Date.now() - startedAt < MINUTES * 60_000) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      if (daemon.exitCode !== null) throw new Error(`the daemon exited (${daemon.exitCode})`);
      const connections = await admin.query<{ count: string }>(
        'SELECT count(*) FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      samples.push({
        t: (Date.now() - startedAt) / 60_000,
        rssMb: processStats(pid).rssMb,
        pgConnections: Number(connections.rows[0]?.count ?? 0),
        redisMb: await usedMemoryMb(redis),
      });
    }
    const endStats = processStats(pid);
    const wallSeconds = (Date.now() - startedAt) / 1000;

    const runs = await db
      .selectFrom('job_runs')
      .select(['kind', 'status', 'started_at', 'queue_job_id'])
      .where('trigger', '=', 'schedule')
      .execute();
    const lags: number[] = [];
    // Per minute of the run (by due time): the first interval also works off the one run per company and
    // kind that new schedules make at once.
    const lagsByMinute: number[][] = [];
    const byKind: Record<string, Record<string, number>> = {};
    for (const run of runs) {
      const kind = (byKind[run.kind] ??= {});
      kind[run.status] = (kind[run.status] ?? 0) + 1;
      const due = /^repeat:company-\d+:(\d+)$/.exec(run.queue_job_id ?? '')?.[1];
      if (due === undefined) continue;
      const lag = run.started_at.getTime() - Number(due);
      lags.push(lag);
      const minute = Math.max(0, Math.floor((Number(due) - startedAt) / 60_000));
      (lagsByMinute[minute] ??= []).push(lag);
    }
    lags.sort((a, b) => a - b);
    const afterFirstInterval = lagsByMinute
      .slice(INTERVAL)
      .flatMap((minute) => minute ?? [])
      .sort((a, b) => a - b);
    const lastHalf = samples.filter((sample) => sample.t >= MINUTES / 2);
    const rss = lastHalf.map((sample) => sample.rssMb);
    const totalCalls = [...calls.values()].reduce((sum, count) => sum + count, 0);
    daemon.kill('SIGTERM');
    await new Promise((resolve) => daemon.once('exit', resolve));
    daemonPid = undefined;
    await db.destroy();
    const redisEnd = samples.at(-1)?.redisMb ?? redisBefore;
    process.stdout.write(
      `${JSON.stringify({
        companies: COMPANIES,
        minutes: MINUTES,
        interval_minutes: INTERVAL,
        time_scale: TIME_SCALE,
        node_options: NODE_OPTIONS,
        load_at_start: loadAtStart,
        load_at_end: loadavg().map((load) => round(load, 2)),
        scheduled_runs: runs.length,
        runs: byKind,
        start_lag_ms: {
          n: lags.length,
          p50: percentile(lags, 50),
          p99: percentile(lags, 99),
          max: lags.at(-1) ?? null,
          after_first_interval: {
            n: afterFirstInterval.length,
            p50: percentile(afterFirstInterval, 50),
            p99: percentile(afterFirstInterval, 99),
            max: afterFirstInterval.at(-1) ?? null,
          },
          p99_by_minute: Array.from(lagsByMinute, (minute) =>
            percentile(
              [...(minute ?? [])].sort((a, b) => a - b),
              99,
            ),
          ),
        },
        rss_mb: {
          ready: round(startStats.rssMb),
          last_half_min: round(Math.min(...rss)),
          last_half_max: round(Math.max(...rss)),
          end: round(endStats.rssMb),
          last_half_slope_per_min: round(
            slope(lastHalf.map((sample) => ({ x: sample.t, y: sample.rssMb }))),
            2,
          ),
          median_by_minute: Array.from({ length: Math.ceil(MINUTES) }, (_, minute) => {
            const inMinute = samples
              .filter((sample) => sample.t >= minute && sample.t < minute + 1)
              .map((sample) => sample.rssMb)
              .sort((a, b) => a - b);
            const middle = percentile(inMinute, 50);
            return middle === null ? null : round(middle);
          }),
        },
        cpu_percent: round(((endStats.cpuSeconds - startStats.cpuSeconds) / wallSeconds) * 100),
        pg_connections: {
          max: Math.max(...samples.map((sample) => sample.pgConnections)),
          end: samples.at(-1)?.pgConnections ?? null,
        },
        redis_mb: {
          before: round(redisBefore, 2),
          end: round(redisEnd, 2),
          bytes_per_company: Math.round(((redisEnd - redisBefore) * 1024 * 1024) / COMPANIES),
        },
        amazon_calls: {
          total: totalCalls,
          per_company_per_hour: round(totalCalls / COMPANIES / (wallSeconds / 3600), 2),
          by_operation: Object.fromEntries([...calls.entries()].sort()),
        },
        daemon_errors: errors,
        last_errors: lastErrors,
      })}\n`,
    );
  } finally {
    if (daemonPid !== undefined) process.kill(daemonPid, 'SIGKILL');
    await sim.close();
    redis.disconnect();
    await redisServer.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.end();
  }
}

async function usedMemoryMb(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0) / (1024 * 1024);
}

async function waitReady(port: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the daemon did not become ready within 3 minutes');
}

await main();
