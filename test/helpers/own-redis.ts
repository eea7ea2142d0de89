import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/**
 * A redis-server of the test's own on a free port, to stop and restart at will (Redis outages) and to
 * read its command statistics, without touching the shared Redis.
 */
export class OwnRedis {
  private process: ChildProcess | undefined;
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Starts the server (on the same port as before, after a stop); nothing when it is running. */
  async start(): Promise<string> {
    if (this.running) return this.url;
    if (this.port === 0) this.port = await freePort();
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    await waitForRedisServer(this.port);
    return this.url;
  }

  async stop(): Promise<void> {
    const running = this.process;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
    this.process = undefined;
  }

  /** Calls of one command since start (`INFO commandstats`). */
  async commandCalls(command: string): Promise<number> {
    const probe = new Redis(this.url, { maxRetriesPerRequest: 1 });
    try {
      const info = await probe.info('commandstats');
      const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info);
      return match ? Number(match[1]) : 0;
    } finally {
      probe.disconnect();
    }
  }
}

/** Runs `use` on a connection to the server on `port` that never retries; throws when it cannot connect. */
export async function withRedisProbe<T>(port: number, use: (redis: Redis) => Promise<T>): Promise<T> {
  const probe = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return await use(probe);
  } finally {
    probe.disconnect();
  }
}

/** Until a just-spawned redis-server on `port` answers PING. */
export async function waitForRedisServer(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      await withRedisProbe(port, (redis) => redis.ping());
      return;
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`redis-server on port ${port} did not start`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
