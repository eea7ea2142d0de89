import { readFileSync } from 'node:fs';

/**
 * Secrets read from files: `ENCRYPTION_KEY_FILE=/run/secrets/encryption_key` instead of the key itself in
 * the environment (Docker and Kubernetes secrets, systemd credentials), so it shows in neither
 * `docker inspect` nor `/proc/<pid>/environ`.
 */
export const FILE_VARIABLES = [
  'DATABASE_URL',
  'REDIS_URL',
  'ENCRYPTION_KEY',
  'ENCRYPTION_PREVIOUS_KEYS',
  'ADMIN_TOKEN',
] as const;

type Env = Record<string, string | undefined>;

export interface ResolvedEnv {
  env: Env;
  /** Variables whose value came from a file: never echoed back in an error. */
  fromFiles: Set<string>;
  problems: string[];
}

/** Replaces each `<NAME>_FILE` by `<NAME>` holding the file's content (one trailing newline dropped). */
export function readSecretFiles(env: Env): ResolvedEnv {
  const resolved: Env = { ...env };
  const fromFiles = new Set<string>();
  const problems: string[] = [];
  for (const name of FILE_VARIABLES) {
    const path = env[`${name}_FILE`];
    delete resolved[`${name}_FILE`];
    if (path === undefined || path === '') continue;
    if (env[name] !== undefined && env[name] !== '') {
      problems.push(`${name}_FILE: set ${name} or ${name}_FILE, not both`);
      continue;
    }
    let content: string;
    try {
      content = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).message;
      problems.push(`${name}_FILE: cannot read ${path} (${code})`);
      continue;
    }
    if (content.trim() === '') {
      problems.push(`${name}_FILE: ${path} is empty`);
      continue;
    }
    resolved[name] = content;
    fromFiles.add(name);
  }
  return { env: resolved, fromFiles, problems };
}
