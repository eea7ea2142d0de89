#!/usr/bin/env node
/**
 * Keeps package-lock.json acceptable to `npm ci` when the registry serves only some platforms' builds of a
 * package's optional dependencies (rollup's and msgpackr-extract's native builds, for example).
 *
 * npm then cannot resolve those optional dependencies, leaves them out of the lock file, and `npm ci`
 * refuses the lock ("Missing: … from lock file"). For each optional dependency absent from the lock, this
 * adds the entry npm expects — nested under the package that wants it, with an empty version — which
 * `npm ci` passes over like any other unavailable optional dependency. Run it after changing dependencies:
 * `npm run lock:optional-stubs`. Entries for builds the registry does serve are left as npm wrote them.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;

/** Where npm would find `name` from `location`: the nearest node_modules up the tree. */
function resolves(location, name) {
  let base = location;
  for (;;) {
    if (packages[`${base ? `${base}/` : ''}node_modules/${name}`]) return true;
    if (!base) return false;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    if (resolves(location, name)) continue;
    packages[`${location ? `${location}/` : ''}node_modules/${name}`] = { version: '', optional: true };
    added += 1;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-optional-stubs: added ${added} entr${added === 1 ? 'y' : 'ies'}`);
