import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { TEST_ADMIN_TOKEN } from '../../test/helpers/context.js';
import type { AdminServer } from './server.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type Call = (
  method: Method,
  url: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<LightMyRequestResponse>;

/** Calls the admin server in-process with the admin token (unless `headers` says otherwise). */
export function caller(server: AdminServer): Call {
  return (method, url, body, headers = {}) => {
    const options: InjectOptions = {
      method,
      url,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, ...headers },
    };
    if (body !== undefined) options.payload = body as NonNullable<InjectOptions['payload']>;
    return server.inject(options);
  };
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus's text exposition format: `name{label="value",…} number` lines, comments skipped. */
export function parsePrometheus(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
      );
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}
