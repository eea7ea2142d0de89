import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestContext,
  TEST_ADMIN_TOKEN,
  TEST_ENCRYPTION_KEY,
  type TestContext,
} from '../helpers/context.js';
import { startProcess } from '../helpers/process.js';

/**
 * The Dockerfile's runtime stage, played without Docker: its own instructions (COPY, RUN, ENV, USER,
 * HEALTHCHECK, ENTRYPOINT/CMD) carried out in a temporary folder, so production dependencies alone run the
 * compiled daemon, as an unprivileged user, and its health check passes. With a Docker engine the image
 * itself is built too.
 */

const ROOT = process.cwd();
const NOBODY = 65534;

interface Stage {
  env: Record<string, string>;
  copies: { from: string | undefined; sources: string[]; target: string }[];
  runs: string[];
  user: string | undefined;
  healthcheck: string[];
  command: string[];
}

function runtimeStage(dockerfile: string): Stage {
  const text = dockerfile.replace(/\\\n\s*/g, ' ');
  const lines = text.split('\n').map((line) => line.trim());
  const start = lines.findIndex((line) => /^FROM \S+ AS runtime$/i.test(line));
  if (start < 0) throw new Error('Dockerfile: no runtime stage');
  const stage: Stage = { env: {}, copies: [], runs: [], user: undefined, healthcheck: [], command: [] };
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line === '' || line.startsWith('#')) continue;
    const [instruction = '', ...rest] = line.split(' ');
    const args = rest.join(' ');
    if (instruction === 'FROM') break;
    if (instruction === 'ENV') {
      // ENV name=value, the value as written or in double quotes.
      const split = args.indexOf('=');
      stage.env[args.slice(0, split)] = args.slice(split + 1).replace(/^"(.*)"$/, '$1');
    } else if (instruction === 'COPY') {
      const parts = args.split(/\s+/);
      const from = parts[0]?.startsWith('--from=') ? parts.shift()?.slice('--from='.length) : undefined;
      const target = parts.pop() ?? '';
      stage.copies.push({ from, sources: parts, target });
    } else if (instruction === 'RUN') stage.runs.push(args);
    else if (instruction === 'USER') stage.user = args;
    else if (instruction === 'HEALTHCHECK')
      stage.healthcheck = JSON.parse(args.slice(args.indexOf('CMD ') + 4));
    else if (instruction === 'ENTRYPOINT') entrypoint = JSON.parse(args);
    else if (instruction === 'CMD') cmd = JSON.parse(args);
    else if (!['WORKDIR', 'EXPOSE'].includes(instruction))
      throw new Error(`runtime stage: ${instruction} not played here`);
  }
  stage.command = [...entrypoint, ...cmd];
  return stage;
}

/** Runs a command without blocking the test worker (tsc and npm ci take a minute); fails with its output. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const dockerEngine = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
  encoding: 'utf8',
  timeout: 10_000,
});
const dockerReason =
  dockerEngine.status === 0
    ? undefined
    : `no Docker engine reachable (docker info: ${(dockerEngine.stderr || String(dockerEngine.error ?? 'not installed')).trim().split('\n')[0]})`;

let context: TestContext;
let app: string;
beforeAll(async () => {
  context = await createTestContext();
  app = mkdtempSync(path.join(tmpdir(), 'sellersync-runtime-'));
});
afterAll(async () => {
  rmSync(app, { recursive: true, force: true });
  await context.cleanup();
});

describe('the runtime stage', () => {
  it(
    'runs the compiled daemon from production dependencies only, unprivileged, and passes its health check',
    { timeout: 600_000 },
    async () => {
      const stage = runtimeStage(readFileSync('Dockerfile', 'utf8'));
      for (const copy of stage.copies) {
        if (copy.from === 'build') {
          // The build stage's product: the TypeScript compiled to dist/.
          await run(
            process.execPath,
            [
              'node_modules/typescript/bin/tsc',
              '-p',
              'tsconfig.build.json',
              '--outDir',
              path.join(app, 'dist'),
            ],
            { cwd: ROOT },
          );
          continue;
        }
        for (const source of copy.sources) {
          const target = copy.target.endsWith('/')
            ? path.join(app, copy.target, source)
            : path.join(app, copy.target);
          cpSync(path.join(ROOT, source), target, { recursive: true });
        }
        if (copy.sources.includes('package.json')) {
          for (const instruction of stage.runs)
            await run('sh', ['-c', instruction], { cwd: app, env: { ...process.env, ...stage.env } });
        }
      }
      for (const devOnly of ['typescript', 'vitest', 'tsx', 'eslint', 'nock']) {
        expect({ devOnly, installed: existsSync(path.join(app, 'node_modules', devOnly)) }).toEqual({
          devOnly,
          installed: false,
        });
      }
      expect(existsSync(path.join(app, 'src'))).toBe(false);
      expect(stage.user).toBe('node');

      // The keys as docker-compose passes them: Docker secrets, files named by *_FILE.
      const secrets = path.join(app, 'run-secrets');
      mkdirSync(secrets, { mode: 0o700 });
      const secret = (name: string, value: string) => {
        writeFileSync(path.join(secrets, name), `${value}\n`, { mode: 0o600 });
        return path.join(secrets, name);
      };
      const secretFiles = {
        DATABASE_URL_FILE: secret('database_url', context.databaseUrl),
        ENCRYPTION_KEY_FILE: secret('encryption_key', TEST_ENCRYPTION_KEY),
        ADMIN_TOKEN_FILE: secret('admin_token', TEST_ADMIN_TOKEN),
      };
      // USER node: as root here, the stand-in is nobody; otherwise this (unprivileged) user.
      const asRoot = process.getuid?.() === 0;
      if (asRoot) {
        chmodSync(app, 0o755);
        execFileSync('chmod', ['-R', 'a+rX', app]);
      }
      const port = await freePort();
      const env = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...stage.env,
        ...secretFiles,
        REDIS_URL: context.env.REDIS_URL ?? '',
        REDIS_PREFIX: context.redisPrefix,
        ADMIN_PORT: String(port),
      };
      const [program, ...args] = stage.command;
      expect(program).toBe('node');
      const daemon = startProcess(args, env, { cwd: app, ...(asRoot && { uid: NOBODY, gid: NOBODY }) });
      try {
        await daemon.waitFor(/sellersync started/, 60_000);
        expect(daemon.output()).not.toMatch(/compiling the source/);
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(ready.status).toBe(200);
        const api = await fetch(`http://127.0.0.1:${port}/api/companies`, {
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        });
        expect(api.status).toBe(200); // the admin token came from its file
        const [checkProgram, ...checkArgs] = stage.healthcheck;
        expect(checkProgram).toBe('node');
        const check = spawnSync(process.execPath, checkArgs, { env, timeout: 10_000 });
        expect(check.status).toBe(0);
        if (asRoot) {
          const owner = execFileSync('ps', ['-o', 'uid=', '-p', String(daemon.child.pid)], {
            encoding: 'utf8',
          });
          expect(Number(owner.trim())).toBe(NOBODY);
        }
      } finally {
        daemon.child.kill('SIGTERM');
      }
      expect(await daemon.exited).toBe(0);
    },
  );

  it.skipIf(dockerReason !== undefined)(
    dockerReason
      ? `builds the image — skipped: ${dockerReason}`
      : 'builds the image, with its health check on /readyz',
    { timeout: 900_000 },
    async () => {
      await run('docker', ['build', '-t', 'sellersync:test', '.'], { cwd: ROOT });
      const inspected = JSON.parse(
        execFileSync('docker', ['image', 'inspect', 'sellersync:test'], { encoding: 'utf8' }),
      ) as { Config: { User: string; Healthcheck: { Test: string[] } } }[];
      expect(inspected[0]?.Config.User).toBe('node');
      expect(inspected[0]?.Config.Healthcheck.Test.join(' ')).toContain('/readyz');
    },
  );
});
