#!/usr/bin/env node
// Runs the compiled build (dist/). In a checkout, builds it first when it is missing or older than the
// source, so what runs is what you read.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { BUILT_ENTRY, build, buildIsStale, canBuild } from './build.js';

if (canBuild() && buildIsStale()) {
  process.stderr.write('sellersync: compiling the source (npm run build)…\n');
  const code = build();
  if (code !== 0) process.exit(code);
}
if (!existsSync(BUILT_ENTRY)) {
  process.stderr.write('sellersync: no build here (dist/); run npm ci or npm run build\n');
  process.exit(1);
}
await import(pathToFileURL(BUILT_ENTRY).href);
