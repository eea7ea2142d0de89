import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { processClock } from './context.js';
import { createLogger } from './shared/logger.js';

function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', pretty: false }, sink) };
}

describe('processClock', () => {
  it('without CLOCK_START is the machine clock, and logs nothing', () => {
    const { lines, logger } = capturedLogger();
    const clock = processClock({ clockStart: undefined }, logger);
    const before = Date.now();
    const read = clock().getTime();
    expect(read).toBeGreaterThanOrEqual(before);
    expect(read).toBeLessThanOrEqual(Date.now());
    expect(lines).toEqual([]);
  });

  it('with CLOCK_START reads that instant at the process start and runs at real speed, with a warning', async () => {
    const { lines, logger } = capturedLogger();
    const clockStart = new Date('2031-06-01T00:00:00Z');
    const clock = processClock({ clockStart }, logger);
    const first = clock().getTime();
    // The start instant plus the time this process has been running.
    expect(Math.abs(first - clockStart.getTime() - (Date.now() - performance.timeOrigin))).toBeLessThan(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const elapsed = clock().getTime() - first;
    expect(elapsed).toBeGreaterThanOrEqual(49);
    expect(elapsed).toBeLessThan(1_000);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        clockStart: '2031-06-01T00:00:00.000Z',
        msg: expect.stringMatching(/CLOCK_START is set/),
      }),
    ]);
  });
});
