import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from './config.js';
import { parse } from 'dotenv';

describe('.env.example', () => {
  const example = parse(readFileSync('.env.example'));

  it('documents exactly the variables the configuration reads', () => {
    expect(Object.keys(example).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('is a valid development configuration as written', () => {
    expect(() => loadConfig(example)).not.toThrow();
  });
});
