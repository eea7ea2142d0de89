import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_CLOCK_START, type TestContext } from '../../test/helpers/context.js';
import { freePort } from '../../test/helpers/own-redis.js';
import { startProcess, type RunningProcess } from '../../test/helpers/process.js';

/** `start --json` and `simulator --json`: one JSON object per line, even when LOG_PRETTY asks for text. */

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
  context.now = () => TEST_CLOCK_START;
});
afterAll(async () => context.cleanup());

function stdoutLines(running: RunningProcess, stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n').filter(Boolean);
  expect(lines.length, running.output()).toBeGreaterThan(0);
  return lines.map((line) => {
    expect(line.startsWith('{'), `not a JSON line: ${line}`).toBe(true);
    return JSON.parse(line) as Record<string, unknown>;
  });
}

function collectStdout(running: RunningProcess): () => string {
  let stdout = '';
  running.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return () => stdout;
}

async function stop(running: RunningProcess): Promise<number | null> {
  running.child.kill('SIGTERM');
  const timer = setTimeout(() => running.child.kill('SIGKILL'), 20_000);
  const code = await running.exited;
  clearTimeout(timer);
  return code;
}

describe('JSON logs of the long-running commands', { timeout: 90_000 }, () => {
  it('start --json logs JSON lines although LOG_PRETTY is true', async () => {
    const port = await freePort();
    const daemon = startProcess(['bin/sellersync.js', 'start', '--json'], {
      ...context.childEnv(),
      LOG_PRETTY: 'true',
      LOG_LEVEL: 'info',
      ADMIN_PORT: String(port),
    });
    const stdout = collectStdout(daemon);
    try {
      await daemon.waitFor(/sellersync started/, 60_000);
    } finally {
      expect(await stop(daemon), daemon.output()).toBe(0);
    }
    const entries = stdoutLines(daemon, stdout());
    expect(entries.find((entry) => entry.msg === 'sellersync started')).toMatchObject({ port });
    expect(entries.at(-1)?.msg).toBe('stopped');
  });

  it('simulator --json prints where it listens as one JSON object, its clock from --start', async () => {
    const simulator = startProcess(
      ['bin/sellersync.js', 'simulator', '--port', '0', '--start', '2026-11-20T00:00:00Z', '--json'],
      context.env,
    );
    const stdout = collectStdout(simulator);
    try {
      await simulator.waitFor(/simulated Amazon listening/, 60_000);
    } finally {
      expect(await stop(simulator)).toBe(0);
    }
    const [listening] = stdoutLines(simulator, stdout());
    expect(listening).toMatchObject({ msg: 'simulated Amazon listening', seed: 1, timeScale: 1 });
    expect(String(listening?.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(String(listening?.simulatedNow)).toMatch(/^2026-11-20T00:0/);
  });
});
