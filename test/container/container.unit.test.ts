import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** The image, the compose file, package.json and the README agree, and the defaults are safe. */

/** Node's current long-term-support line; the image must run it. */
const CURRENT_LTS = 24;

const read = (file: string) => readFileSync(file, 'utf8');
const dockerfile = read('Dockerfile');
const readme = read('README.md');
const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;

interface ComposeService {
  environment?: Record<string, string>;
  secrets?: string[];
  env_file?: (string | { path: string })[];
  ports?: string[];
  read_only?: boolean;
  init?: boolean;
  cap_drop?: string[];
  deploy?: { resources?: { limits?: Record<string, unknown> } };
}
const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string }>;
};
const daemon = compose.services.sellersync as ComposeService;

/** `>=20.12 <25` → the versions it allows, as [major, minor] bounds. */
function engineBounds(range: string): { min: [number, number]; belowMajor: number | undefined } {
  const min = /^>=\s*(\d+)\.(\d+)/.exec(range);
  const below = /<\s*(\d+)(?:\.0)*\s*$/.exec(range);
  if (!min) throw new Error(`engines.node ${range}: expected >=major.minor`);
  return { min: [Number(min[1]), Number(min[2])], belowMajor: below ? Number(below[1]) : undefined };
}

describe('the container image', () => {
  it('keeps .git, node_modules and every .env file out of the build context', () => {
    const patterns = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const required of ['.git', 'node_modules', '.env', 'dist']) expect(patterns).toContain(required);
    expect(patterns).toContain('*.env');
    expect(patterns).toContain('secrets'); // the compose file's keys
  });

  it('runs the current Node LTS, within engines, as README says', () => {
    const images = [...dockerfile.matchAll(/^FROM\s+node:(\d+)(\S*)/gm)].map((m) => Number(m[1]));
    expect(images.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile.match(/^FROM\s/gm)?.length).toBe(images.length);
    const { min, belowMajor } = engineBounds(engines);
    expect(min[0] > 20 || (min[0] === 20 && min[1] >= 12)).toBe(true);
    expect(belowMajor).toBeDefined(); // nothing newer than engines allows can slip into the image
    for (const major of images) {
      expect(major).toBe(CURRENT_LTS);
      expect(major).toBeGreaterThanOrEqual(min[0]);
      expect(major).toBeLessThan(belowMajor ?? 0);
    }
    expect(readme).toContain(`\`engines\`: \`${engines}\``);
    expect(readme).toContain(`Node.js ${min[0]}.${min[1]} to ${CURRENT_LTS}`);
    expect(readme).toContain(`Node ${CURRENT_LTS} LTS`);
  });

  it('checks readiness, not mere liveness, and documents an init process', () => {
    const healthcheck = dockerfile.slice(dockerfile.indexOf('HEALTHCHECK'));
    expect(healthcheck).toMatch(/^HEALTHCHECK[^\n]*\\\n\s+CMD \[[^\n]*\/readyz/);
    expect(readme).toContain('docker run --init');
    expect(daemon.init).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  it('publishes the admin port on 127.0.0.1 only', () => {
    expect(daemon.ports?.length).toBeGreaterThan(0);
    for (const service of Object.values(compose.services)) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('has no default password and passes the keys as Docker secrets, never in the environment', () => {
    const text = read('docker-compose.yml');
    expect(text).not.toMatch(/\$\{[A-Z_]+:-/); // no ${VAR:-default} anywhere
    const postgres = compose.services.postgres as ComposeService;
    expect(postgres.environment).not.toHaveProperty('POSTGRES_PASSWORD');
    expect(postgres.environment?.POSTGRES_PASSWORD_FILE).toBe('/run/secrets/postgres_password');
    expect(postgres.secrets).toEqual(['postgres_password']);
    for (const name of ['ENCRYPTION_KEY', 'ADMIN_TOKEN', 'DATABASE_URL']) {
      expect(daemon.environment).not.toHaveProperty(name);
      const secret = name.toLowerCase();
      expect(daemon.environment?.[`${name}_FILE`]).toBe(`/run/secrets/${secret}`);
      expect(daemon.secrets).toContain(secret);
    }
    expect(daemon.env_file).toBeUndefined();
    for (const [name, secret] of Object.entries(compose.secrets ?? {})) {
      expect(secret.file).toBe(`./secrets/${name}`);
    }
    expect(readme).toContain('install -d -m 700 secrets');
    expect(read('.gitignore').split('\n')).toContain('secrets/');
  });

  it('runs the daemon with the small young generation the soak measured, which compose keeps', () => {
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/^ENV NODE_OPTIONS=--max-semi-space-size=4$/m);
    expect(daemon.environment?.NODE_OPTIONS).toBeUndefined();
  });

  it('runs the daemon read-only, without capabilities, within resource limits', () => {
    expect(daemon.read_only).toBe(true);
    expect(daemon.cap_drop).toEqual(['ALL']);
    expect(daemon.deploy?.resources?.limits).toMatchObject({
      cpus: expect.any(String),
      memory: expect.any(String),
      pids: expect.any(Number),
    });
  });
});
