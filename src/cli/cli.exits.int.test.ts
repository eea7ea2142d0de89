import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandStderr, runCliProcess } from '../../test/helpers/cli.js';
import { createTestContext, TEST_CLOCK_START, type TestContext } from '../../test/helpers/context.js';

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
  context.now = () => TEST_CLOCK_START;
});
afterAll(async () => context.cleanup());

const cli = (...args: string[]) => runCliProcess(args, context.childEnv());

describe('exit codes and errors are the same everywhere', { timeout: 120_000 }, () => {
  it('prints the version', async () => {
    const result = await cli('--version');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('a company that does not exist is exit 2 with the reason, for every command about a company', async () => {
    const cases = [
      ['run', 'order-download', '--company', '999'],
      ['orders', 'list', '--company', '999'],
      ['orders', 'at-risk', '--company', '999'],
      ['orders', 'problems', '--company', '999'],
      ['runs', '--company', '999'],
      ['shipments', 'list', '--company', '999'],
      ['shipments', 'requeue', '--company', '999', '5'],
      ['metrics', '--company', '999'],
      ['company', 'show', '999'],
      ['company', 'set', '999', '--name', 'x'],
      ['company', 'remove', '999', '--yes'],
    ];
    for (const args of cases) {
      const result = await cli(...args);
      expect({ args, code: result.code, stderr: commandStderr(result).trim() }).toEqual({
        args,
        code: 2,
        stderr: 'sellersync: company 999 not found',
      });
      expect(result.stdout).toBe('');
    }
  });

  it('every exit 2 says why, including a bad value read inside a command', async () => {
    const result = await cli('shipments', 'requeue', '--company', '1', 'abc');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /'abc' is invalid for argument 'shipment-ids'\. expected a positive whole number/,
    );
  });

  it('with --json an error is one JSON object on stderr naming the field, the exit code unchanged', async () => {
    const cases: [string[], number, Record<string, unknown>][] = [
      [['company', 'add', '--region', 'asia', '--json'], 2, { code: 'usage', field: '--region' }],
      [['company', 'add', '--name', 'X', '--json'], 2, { code: 'usage', field: '--seller-id' }],
      [['run', 'order-download', '--json'], 2, { code: 'usage', field: '--company' }],
      [['company', 'show', '999', '--json'], 2, { code: 'not_found', error: 'company 999 not found' }],
      [['frobnicate', '--json'], 2, { code: 'usage' }],
    ];
    for (const [args, exitCode, body] of cases) {
      const result = await cli(...args);
      expect({ args, code: result.code }).toEqual({ args, code: exitCode });
      const lines = commandStderr(result).trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ ...body, error: expect.any(String) });
    }
  });
});
