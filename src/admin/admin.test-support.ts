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
