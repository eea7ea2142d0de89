import { readFileSync } from 'node:fs';

/** The version in package.json, found from the source (src/cli) or the build (dist/src/cli). */
export function packageVersion(): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
    try {
      const found = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (found.name === 'sellersync' && found.version) return found.version;
    } catch {
      // not at this depth
    }
  }
  return 'unknown';
}
