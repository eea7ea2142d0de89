import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandStderr, runCliProcess } from '../../test/helpers/cli.js';
import { createTestContext, TEST_CLOCK_START, type TestContext } from '../../test/helpers/context.js';
import { hasUnsafeCharacter } from '../shared/text.js';

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
  context.now = () => TEST_CLOCK_START;
});
afterAll(async () => context.cleanup());

const cli = (args: string[], input?: string) => runCliProcess(args, context.childEnv(), input);

const ADD = (sellerId: string, name = 'Input Co') => [
  'company',
  'add',
  '--name',
  name,
  '--seller-id',
  sellerId,
  '--region',
  'na',
  '--marketplace',
  'ATVPDKIKX0DER',
  '--lwa-client-id',
  'amzn1.application-oa2-client.input',
];

describe('what a person types and what the terminal shows', { timeout: 120_000 }, () => {
  it('reads secrets from stdin and from a file, never needing them in argv', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'sellersync-secret-'));
    const secretFile = path.join(folder, 'client-secret');
    await writeFile(secretFile, 'file-client-secret-value\n', { mode: 0o600 });
    const added = await cli(
      [
        ...ADD('A2INPUT000001'),
        '--lwa-client-secret-file',
        secretFile,
        '--refresh-token-file',
        '-',
        '--json',
      ],
      'Atzr|stdin-refresh-token-value\n',
    );
    expect(commandStderr(added)).toBe('');
    expect(added.code).toBe(0);
    const id = String((JSON.parse(added.stdout) as { id: number }).id);
    const shown = JSON.parse((await cli(['company', 'show', id, '--json'])).stdout) as {
      credentials: Record<string, string>;
    };
    // Masked: the first characters and the length of what was read, the trailing newline dropped.
    expect(shown.credentials).toMatchObject({ lwaClientSecret: 'file…(24)', refreshToken: 'Atzr…(30)' });

    const both = await cli([
      ...ADD('A2INPUT000002'),
      '--refresh-token',
      'x',
      '--refresh-token-file',
      secretFile,
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give --refresh-token or --refresh-token-file, not both/);
    const missing = await cli([...ADD('A2INPUT000003'), '--refresh-token-file', path.join(folder, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--refresh-token-file: cannot read .*nope \(ENOENT\)/);
  });

  it('refuses control characters in a name, and escapes them in every table it prints', async () => {
    for (const name of ['Evil\u001b[2J Co', 'Two\nLines', 'gpj.\u202eexe']) {
      const result = await cli([
        ...ADD('A2INPUT000004', name),
        '--lwa-client-secret',
        'secret-value',
        '--refresh-token',
        'Atzr|token-value',
      ]);
      expect({ name, code: result.code }).toEqual({ name, code: 2 });
      expect(result.stderr).toMatch(/name: must not contain control characters/);
    }
    // A name stored before the rule (or by another writer) is shown escaped, never interpreted.
    await context.db.updateTable('companies').set({ name: 'Red\u001b[31m\u202eCo\nX' }).execute();
    const listed = await cli(['company', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('Red\\e[31m\\u202eCo\\nX');
    expect(hasUnsafeCharacter(listed.stdout.replaceAll('\n', ''))).toBe(false);
    const id = String((await context.db.selectFrom('companies').select('id').executeTakeFirstOrThrow()).id);
    const shown = await cli(['company', 'show', id]);
    expect(shown.stdout).toContain('Red\\e[31m\\u202eCo\\nX');
    expect(hasUnsafeCharacter(shown.stdout.replaceAll('\n', ''))).toBe(false);
  });

  it('refuses a date that does not exist instead of rolling it over', async () => {
    const id = String((await context.db.selectFrom('companies').select('id').executeTakeFirstOrThrow()).id);
    const ship = await cli([
      'ship',
      '--company',
      id,
      '--order',
      '113-1234567-1234567',
      '--carrier',
      'UPS',
      '--tracking',
      '1Z999AA10123456784',
      '--ship-date',
      '2026-02-30',
      '--item',
      '1:1',
    ]);
    expect(ship.code).toBe(2);
    expect(ship.stderr).toMatch(/2026-02-30 is not a date/);
    const zoneless = await cli(['orders', 'list', '--from', '2026-11-20T10:00']);
    expect(zoneless.code).toBe(2);
    expect(zoneless.stderr).toMatch(/a date-time needs its zone/);
    const list = await cli(['orders', 'list', '--from', '2026-13-01']);
    expect(list.code).toBe(2);
    expect(list.stderr).toMatch(/2026-13-01 is not a date/);
  });
});
