import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_CLOCK_START, type TestContext } from '../test/helpers/context.js';
import { freePort, OwnRedis } from '../test/helpers/own-redis.js';

let context: TestContext;
const redis = new OwnRedis();
beforeAll(async () => {
  context = await createTestContext();
  context.now = () => TEST_CLOCK_START;
  await redis.start(); // to learn its port; each test decides when it runs
  await redis.stop();
});
afterAll(async () => {
  await redis.stop();
  await context.cleanup();
});

interface Started {
  child: ChildProcess;
  output: () => string;
  readyz: () => Promise<{ status: number; body: { checks: Record<string, string> } }>;
  stop: () => Promise<number | null>;
}

/** The real `sellersync start`, its admin server on a known port. */
async function startDaemon(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/sellersync.js', 'start'], {
    env: context.childEnv({ ADMIN_PORT: String(port), LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    child,
    output: () => output,
    readyz: async () => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
    },
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // not yet (the admin server may not listen yet)
    }
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern, 'g'))?.length ?? 0;

function expectNoStacks(output: string) {
  expect(output).not.toMatch(/\n\s+at [^\n]+:\d+:\d+\)?\n/);
  expect(output).not.toMatch(/Unhandled error event|ECONNREFUSED[^"]*\n\s+at /);
}

describe('sellersync start while a store is down', { timeout: 120_000 }, () => {
  it('waits for Redis with one log line per attempt, /readyz says why, and carries on when it returns', async () => {
    const daemon = await startDaemon({ REDIS_URL: redis.url });
    try {
      const retrying = new RegExp(
        `cannot reach Redis at 127\\.0\\.0\\.1:${redis.port} \\(REDIS_URL\\); retrying`,
      );
      await until(() => count(daemon.output(), retrying) >= 2, 'two retry lines');
      const waiting = await daemon.readyz();
      expect(waiting.status).toBe(503);
      expect(waiting.body.checks.redis).toContain(
        `cannot reach Redis at 127.0.0.1:${redis.port} (REDIS_URL)`,
      );
      // Each attempt is one line, and the pauses grow.
      const delays = daemon
        .output()
        .split('\n')
        .filter((line) => retrying.test(line))
        .map((line) => (JSON.parse(line) as { retryInMs: number }).retryInMs);
      expect(delays[1]).toBeGreaterThan(delays[0]!);

      await redis.start();
      await until(() => daemon.output().includes('sellersync started'), 'the daemon starting');
      expect((await daemon.readyz()).status).toBe(200);

      // Redis lost while running: the same one line per attempt, no stacks.
      const before = count(daemon.output(), retrying);
      await redis.stop();
      await until(() => count(daemon.output(), retrying) >= before + 2, 'retry lines after the loss');
      expect((await daemon.readyz()).body.checks.redis).toContain('(REDIS_URL)');
      expectNoStacks(daemon.output());
    } finally {
      await daemon.stop();
    }
  });

  it('waits for Postgres naming DATABASE_URL, never its password; /readyz says why', async () => {
    const daemon = await startDaemon({
      DATABASE_URL: 'postgres://postgres:hunter2-secret@127.0.0.1:1/sellersync',
    });
    try {
      const retrying =
        /cannot reach PostgreSQL at 127\.0\.0\.1:1\/sellersync \(DATABASE_URL\)[^"]*; retrying/;
      await until(() => count(daemon.output(), retrying) >= 2, 'two retry lines');
      const waiting = await daemon.readyz();
      expect(waiting.status).toBe(503);
      expect(waiting.body.checks.postgres).toContain('(DATABASE_URL)');
      expect(daemon.output()).not.toContain('hunter2-secret');
      expectNoStacks(daemon.output());
    } finally {
      await daemon.stop();
    }
  });
});
