import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_CLOCK_START, type TestContext } from '../../test/helpers/context.js';
import { startProcess } from '../../test/helpers/process.js';

/** `sellersync start` outside production without ADMIN_TOKEN: a random token, 127.0.0.1 only. */

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
  context.now = () => TEST_CLOCK_START;
});
afterAll(async () => context.cleanup());

async function startWithoutToken(): Promise<{ output: string; host: string; port: number; token: string }> {
  const env: Record<string, string> = context.childEnv({ NODE_ENV: 'development', LOG_PRETTY: 'false' });
  delete env.ADMIN_TOKEN;
  delete env.ADMIN_HOST;
  const daemon = startProcess(['bin/sellersync.js', 'start'], env);
  try {
    const match = await daemon.waitFor(/admin API on (\S+):(\d+) accepts this run's token (\S+)/, 40_000);
    const [, host = '', port = '0', token = ''] = match;
    const base = `http://127.0.0.1:${port}`;
    const withToken = await fetch(`${base}/api/companies`, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
    const publicToken = await fetch(`${base}/api/companies`, {
      headers: { authorization: 'Bearer development-admin-token' },
    });
    expect(publicToken.status).toBe(401);
    // Not reachable on this machine's other addresses (when it has any).
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (external) {
      await expect(fetch(`http://${external.address}:${port}/healthz`)).rejects.toThrow();
    }
    return { output: daemon.output(), host, port: Number(port), token };
  } finally {
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  }
}

describe('the admin server without ADMIN_TOKEN', () => {
  it(
    'binds 127.0.0.1 only and accepts a random token printed once, never logged',
    { timeout: 90_000 },
    async () => {
      const first = await startWithoutToken();
      expect(first.host).toBe('127.0.0.1');
      expect(first.token.length).toBeGreaterThanOrEqual(32);
      expect(first.output.split(first.token)).toHaveLength(2);
      const logLines = first.output.split('\n').filter((line) => line.startsWith('{'));
      const started = logLines.map((line) => JSON.parse(line) as { msg?: string; host?: string });
      expect(started.find((entry) => entry.msg === 'sellersync started')?.host).toBe('127.0.0.1');
      const second = await startWithoutToken();
      expect(second.token).not.toBe(first.token);
    },
  );
});
