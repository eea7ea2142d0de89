import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli.js';
import { createTestContext, TEST_CLOCK_START, type TestContext } from '../../test/helpers/context.js';
import { addTestCompany } from '../../test/helpers/companies.js';

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
  context.now = () => TEST_CLOCK_START;
});
afterAll(async () => context.cleanup());

describe('sellersync audit', () => {
  it('lists the changes made through the CLI, as cli from user@host, secrets named but never shown', async () => {
    const company = await addTestCompany(context);
    const other = await addTestCompany(context);
    const set = await runCliProcess(
      [
        'company',
        'set',
        String(company.id),
        '--allow-order-download',
        'on',
        '--refresh-token',
        'Atzr|new-secret',
      ],
      context.childEnv(),
    );
    expect(set.code).toBe(0);
    expect(
      (await runCliProcess(['company', 'remove', String(other.id), '--yes'], context.childEnv())).code,
    ).toBe(0);
    const listed = await runCliProcess(['audit', '--json'], context.childEnv());
    expect(listed.code).toBe(0);
    const entries = JSON.parse(listed.stdout) as {
      action: string;
      actor: string;
      origin: string;
      companyId: number;
      detail: Record<string, unknown>;
    }[];
    expect(entries.map((e) => [e.action, e.companyId])).toEqual([
      ['company.remove', other.id],
      ['company.set', company.id],
    ]);
    expect(entries[1]).toMatchObject({
      actor: 'cli',
      origin: expect.stringMatching(new RegExp(`@${hostname()}$`)),
      detail: { allowOrderDownload: true, refreshToken: '(changed)' },
    });
    expect(listed.stdout).not.toContain('new-secret');
    const mine = await runCliProcess(
      ['audit', '--company', String(company.id), '--json'],
      context.childEnv(),
    );
    expect(JSON.parse(mine.stdout)).toHaveLength(1);
    const table = await runCliProcess(['audit'], context.childEnv());
    expect(table.stdout).toMatch(/company\.set/);
    const bad = await runCliProcess(['audit', '--company', 'x'], context.childEnv());
    expect(bad.code).toBe(2);
  });
});
