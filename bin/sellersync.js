#!/usr/bin/env node
// In a checkout (TypeScript source and dev dependencies present) runs the source, so what runs is what
// you read; in an installed image (only the compiled dist/) runs the build.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const source = new URL('../src/cli/bin.ts', import.meta.url);
const built = new URL('../dist/src/cli/bin.js', import.meta.url);

async function sourceRunner() {
  if (!existsSync(fileURLToPath(source))) return undefined;
  try {
    return await import('tsx/esm/api');
  } catch {
    return undefined; // no dev dependencies: fall back to the build
  }
}

const tsx = await sourceRunner();
if (tsx) {
  tsx.register();
  await import(source.href);
} else if (existsSync(fileURLToPath(built))) {
  await import(pathToFileURL(fileURLToPath(built)).href);
} else {
  process.stderr.write(
    'sellersync: neither the source with its dev dependencies nor a build (npm run build) is here\n',
  );
  process.exit(1);
}
