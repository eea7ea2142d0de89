import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const KEY = '0'.repeat(64);

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
    expect(config.developmentDefaults).toEqual(['ENCRYPTION_KEY', 'ADMIN_TOKEN']);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/sellersync');
    expect(config.workerConcurrency).toBe(4);
    expect(config.shutdownTimeoutMs).toBe(30_000);
  });

  it('reads a complete production environment', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      ENCRYPTION_KEY: KEY,
      ENCRYPTION_KEY_ID: 'k2',
      ENCRYPTION_PREVIOUS_KEYS: `k1:${'1'.repeat(64)}`,
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
