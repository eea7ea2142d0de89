#!/usr/bin/env node
// Compiles the TypeScript source to dist/ and stamps the build, so `sellersync` runs compiled code and knows
// when the source has changed since. Without the source or the compiler (a production install) there is
// nothing to build and it says so.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUILT_ENTRY = path.join(ROOT, 'dist/src/cli/bin.js');
const STAMP = path.join(ROOT, 'dist/.build-stamp');
const SOURCES = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtime(entry) {
  const stat = statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted or renamed file changes its folder
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function compilerPath() {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** True when the source and the compiler are here (a checkout rather than an installed image). */
export function canBuild() {
  return existsSync(path.join(ROOT, 'src/cli/bin.ts')) && compilerPath() !== undefined;
}

/** True when there is no build, or the source changed after it was made. */
export function buildIsStale() {
  const stamp = statSync(STAMP, { throwIfNoEntry: false });
  if (!stamp || !existsSync(BUILT_ENTRY)) return true;
  return SOURCES.some((entry) => newestMtime(path.join(ROOT, entry)) > stamp.mtimeMs);
}

/** Runs tsc; returns its exit code. The stamp records when the compiled source was read. */
export function build() {
  const startedAt = new Date();
  const result = spawnSync(process.execPath, [compilerPath(), '-p', path.join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    stdio: ['ignore', 2, 2],
  });
  if (result.status !== 0) return result.status ?? 1;
  writeFileSync(STAMP, `${startedAt.toISOString()}\n`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!canBuild()) {
    process.stderr.write('sellersync build: no TypeScript source or compiler here; nothing to build\n');
  } else {
    process.exit(build());
  }
}
