import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const KEY = randomBytes(32).toString('hex');

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('names every bad variable and what is expected', () => {
    const problems = problemsOf({
      DATABASE_URL: 'mysql://x',
      REDIS_URL: 'localhost:6379',
      ADMIN_PORT: 'eighty',
      LOG_LEVEL: 'loud',
      WORKER_CONCURRENCY: '0',
    });
    expect(problems.join('\n')).toMatch(/DATABASE_URL: expected a postgres:\/\/ URL/);
    expect(problems.join('\n')).toMatch(/REDIS_URL: expected a redis:\/\/ URL/);
    expect(problems.join('\n')).toMatch(/ADMIN_PORT: expected a port number/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL: expected one of/);
    expect(problems.join('\n')).toMatch(/WORKER_CONCURRENCY: expected at least 1/);
    expect(problems).toHaveLength(5);
  });

  it('requires the encryption key and admin token in production, with no built-in default', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([
      expect.stringMatching(/^ENCRYPTION_KEY: required in production/),
      expect.stringMatching(/^ADMIN_TOKEN: required in production/),
    ]);
  });

  it('rejects a key that is not 256 bits', () => {
    expect(problemsOf({ ENCRYPTION_KEY: 'abcd' })).toEqual([
      expect.stringMatching(/^ENCRYPTION_KEY: expected a 256-bit key/),
    ]);
  });

  it('falls back to marked development defaults outside production', () => {
    const config = loadConfig({});
    expect(config.developmentDefaults).toEqual(['ENCRYPTION_KEY']);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/sellersync');
    expect(config.workerConcurrency).toBe(4);
    expect(config.shutdownTimeoutMs).toBe(30_000);
  });

  it('reads a complete production environment', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      ENCRYPTION_KEY: KEY,
      ENCRYPTION_KEY_ID: 'k2',
      ENCRYPTION_PREVIOUS_KEYS: `k1:${randomBytes(32).toString('hex')}`,
      ADMIN_TOKEN: 'x'.repeat(32),
      ADMIN_PORT: '9000',
      LOG_PRETTY: 'true',
      WORKER_CONCURRENCY: '8',
    });
    expect(config.adminPort).toBe(9000);
    expect(config.logPretty).toBe(true);
    expect(config.workerConcurrency).toBe(8);
    expect(config.keyring.activeKeyId).toBe('k2');
    expect([...config.keyring.keys.keys()].sort()).toEqual(['k1', 'k2']);
    expect(config.developmentDefaults).toEqual([]);
  });
});

describe('Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  it('reaches a cluster through its nodes, the queues under a hash tag, REDIS_URL giving the credentials', () => {
    const config = loadConfig({
      REDIS_URL: 'rediss://:secret@ignored:6379',
      REDIS_CLUSTER_NODES: '10.0.0.1:6379, cache-2.internal:7000,[fd00::3]:6380',
      REDIS_PREFIX: 'acme',
    });
    expect(config.redis).toEqual({
      url: 'rediss://:secret@ignored:6379',
      clusterNodes: [
        { host: '10.0.0.1', port: 6379 },
        { host: 'cache-2.internal', port: 7000 },
        { host: 'fd00::3', port: 6380 },
      ],
    });
    expect(config.queuePrefix).toBe('{acme}');
  });

  it('keeps the plain prefix on one Redis server', () => {
    const config = loadConfig({ REDIS_PREFIX: 'acme' });
    expect(config.redis.clusterNodes).toBeUndefined();
    expect(config.queuePrefix).toBe('acme');
  });

  it('names the entry that is not host:port', () => {
    for (const nodes of ['10.0.0.1', 'redis://10.0.0.1:6379', '10.0.0.1:6379,,10.0.0.2:6379', 'a:70000']) {
      expect(problemsOf({ REDIS_CLUSTER_NODES: nodes })).toEqual([
        expect.stringMatching(/^REDIS_CLUSTER_NODES: expected host:port,host:port/),
      ]);
    }
  });
});

describe('configuration that refuses the dangerous', () => {
  it('refuses an all-zero, patterned or passphrase encryption key, naming ENCRYPTION_KEY', () => {
    const weak = [
      '0'.repeat(64),
      'ab'.repeat(32),
      '0123456789abcdef'.repeat(4),
      Buffer.alloc(32, 7).toString('base64'),
      Buffer.from('correct horse battery staple 123').toString('base64'),
    ];
    for (const key of weak) {
      expect({ key, problems: problemsOf({ ENCRYPTION_KEY: key }) }).toEqual({
        key,
        problems: [expect.stringMatching(/^ENCRYPTION_KEY: not a random key .*openssl rand -hex 32/)],
      });
    }
    expect(loadConfig({ ENCRYPTION_KEY: randomBytes(32).toString('base64') }).keyring.activeKeyId).toBe('k1');
  });

  it('accepts only whole decimal numbers for every integer setting', () => {
    const integerSettings = [
      'ADMIN_PORT',
      'WORKER_CONCURRENCY',
      'SHUTDOWN_TIMEOUT_MS',
      'SCHEDULE_RECONCILE_INTERVAL_MS',
      'ORDER_BACKFILL_DAYS',
      'ORDER_WINDOW_OVERLAP_MINUTES',
      'ORDER_AT_RISK_HOURS',
      'BUYER_DATA_RETENTION_DAYS',
      'ORDER_REPORT_QUEUE_TIMEOUT_MINUTES',
      'ORDER_REPORT_EXPECTED_SECONDS',
    ];
    for (const name of integerSettings) {
      for (const value of ['0x1F', '1e1', '10.0', ' 10', '+10', '-1', '0b11', '0o7', 'Infinity']) {
        const problems = problemsOf({ [name]: value });
        expect({ name, value, problems }).toEqual({
          name,
          value,
          problems: [expect.stringMatching(new RegExp(`^${name}: expected .*decimal`))],
        });
      }
      expect(() => loadConfig({ [name]: '10' })).not.toThrow();
    }
    expect(problemsOf({ ADMIN_PORT: '0x1F90' })).toEqual([
      'ADMIN_PORT: expected a port number 0-65535 in decimal (got "0x1F90")',
    ]);
    expect(problemsOf({ ORDER_BACKFILL_DAYS: '1e2' })).toEqual([
      'ORDER_BACKFILL_DAYS: expected a whole decimal number (got "1e2")',
    ]);
    expect(loadConfig({ ADMIN_PORT: '0' }).adminPort).toBe(0);
    expect(problemsOf({ ADMIN_PORT: '65536' })).toEqual([
      expect.stringMatching(/^ADMIN_PORT: expected a port number 0-65535/),
    ]);
  });

  it('checks ADMIN_HOST with the rest of the configuration', () => {
    const token = 'x'.repeat(32);
    for (const host of ['http://0.0.0.0', '0.0.0.0:8080', 'exa mple', '-bad.example']) {
      expect({ host, problems: problemsOf({ ADMIN_HOST: host, ADMIN_TOKEN: token }) }).toEqual({
        host,
        problems: [expect.stringMatching(/^ADMIN_HOST: expected an IP address .* or a host name/)],
      });
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.7', 'admin.internal', 'localhost']) {
      expect(loadConfig({ ADMIN_HOST: host, ADMIN_TOKEN: token }).adminHost).toBe(host);
    }
    const both = problemsOf({ ADMIN_HOST: 'http://x', ADMIN_PORT: 'x' }).join('\n');
    expect(both).toMatch(/ADMIN_HOST/);
    expect(both).toMatch(/ADMIN_PORT/);
  });

  it('without ADMIN_TOKEN outside production, listens on 127.0.0.1 with a random token of its own', () => {
    const first = loadConfig({});
    const second = loadConfig({});
    expect(first.adminHost).toBe('127.0.0.1');
    expect(first.adminTokenGenerated).toBe(true);
    expect(first.adminToken).not.toBe('development-admin-token');
    expect(first.adminToken.length).toBeGreaterThanOrEqual(32);
    expect(first.adminToken).not.toBe(second.adminToken);
    expect(problemsOf({ ADMIN_HOST: '0.0.0.0' })).toEqual([
      expect.stringMatching(/^ADMIN_HOST: 0.0.0.0 is reachable from other machines; set ADMIN_TOKEN/),
    ]);
    expect(loadConfig({ ADMIN_HOST: '::1' }).adminHost).toBe('::1');
    const chosen = loadConfig({ ADMIN_TOKEN: 'y'.repeat(30) });
    expect(chosen).toMatchObject({
      adminHost: '0.0.0.0',
      adminToken: 'y'.repeat(30),
      adminTokenGenerated: false,
    });
  });
});

const dir = mkdtempSync(join(tmpdir(), 'sellersync-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

describe('secrets from files (*_FILE, as Docker secrets mount them)', () => {
  it('reads the key, the admin token and the store URLs from their files, without the trailing newline', () => {
    const key = randomBytes(32).toString('hex');
    const token = randomBytes(24).toString('hex');
    const config = loadConfig({
      NODE_ENV: 'production',
      ENCRYPTION_KEY_FILE: secretFile('encryption_key', `${key}\n`),
      ADMIN_TOKEN_FILE: secretFile('admin_token', `${token}\n`),
      DATABASE_URL_FILE: secretFile('database_url', 'postgres://app:s3cret@db:5432/sellersync\n'),
      REDIS_URL_FILE: secretFile('redis_url', 'redis://:pw@cache:6379'),
    });
    expect(config.adminToken).toBe(token);
    expect(config.adminTokenGenerated).toBe(false);
    expect(config.databaseUrl).toBe('postgres://app:s3cret@db:5432/sellersync');
    expect(config.redisUrl).toBe('redis://:pw@cache:6379');
    expect(config.keyring.keys.get('k1')?.toString('hex')).toBe(key);
  });

  it('refuses a missing or empty file, and a variable set both ways, naming each', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      ENCRYPTION_KEY_FILE: join(dir, 'absent'),
      ADMIN_TOKEN_FILE: secretFile('empty_token', '\n'),
      DATABASE_URL: 'postgres://a@b/c',
      DATABASE_URL_FILE: secretFile('url', 'postgres://a@b/c'),
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ENCRYPTION_KEY_FILE: cannot read .*absent \(ENOENT\)$/),
        expect.stringMatching(/^ADMIN_TOKEN_FILE: .* is empty$/),
        'DATABASE_URL_FILE: set DATABASE_URL or DATABASE_URL_FILE, not both',
      ]),
    );
  });

  it('checks a value read from a file like any other, without printing it', () => {
    const problems = problemsOf({
      DATABASE_URL_FILE: secretFile('bad_url', 'mysql://root:hunter2@db/x'),
      ENCRYPTION_KEY_FILE: secretFile('zero_key', '0'.repeat(64)),
    });
    expect(problems.join('\n')).toMatch(
      /DATABASE_URL: expected a postgres:\/\/ URL.*the content of DATABASE_URL_FILE/,
    );
    expect(problems.join('\n')).toMatch(/^ENCRYPTION_KEY: /m);
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});

describe('CLOCK_START', () => {
  it('is absent by default: the process runs on the machine clock', () => {
    expect(loadConfig({}).clockStart).toBeUndefined();
  });

  it('reads an ISO 8601 instant with its zone', () => {
    expect(loadConfig({ CLOCK_START: '2031-06-01T12:00:00+02:00' }).clockStart).toEqual(
      new Date('2031-06-01T10:00:00Z'),
    );
  });

  it('refuses a malformed instant, naming the variable and what is expected', () => {
    for (const bad of [
      'tomorrow',
      '2031-06-01',
      '2031-06-01T12:00:00',
      '2031-02-30T00:00:00Z',
      '1717243200',
    ]) {
      expect(problemsOf({ CLOCK_START: bad })).toEqual([
        `CLOCK_START: expected an ISO 8601 instant with its zone, e.g. 2026-11-21T00:00:00Z (got "${bad}")`,
      ]);
    }
  });

  it('is refused in production', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      ENCRYPTION_KEY: KEY,
      ADMIN_TOKEN: 'a-production-admin-token-0123',
      CLOCK_START: '2031-06-01T00:00:00Z',
    });
    expect(problems).toEqual([
      'CLOCK_START: not allowed in production (Amazon holds the seller to the real clock)',
    ]);
  });
});
