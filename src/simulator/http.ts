import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { Simulation } from './simulation.js';
import type { Operation } from './usage-plans.js';

/** Routing and Amazon's error shape, shared by every simulated API. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: string,
  ) {
    super(message);
  }
}

export function invalidInput(message: string, details?: string): ApiError {
  return new ApiError(400, 'InvalidInput', message, details);
}

export function notFound(message: string): ApiError {
  return new ApiError(404, 'NotFound', message);
}

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  params: Record<string, string>;
  /** The seller the access token belongs to (SP-API routes only). */
  sellerId: string;
  requestId: string;
}

export interface SimResponse {
  status: number;
  json?: unknown;
  raw?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type RouteKind = 'sp-api' | 'token' | 'document' | 'control';

export interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  kind: RouteKind;
  operation: Operation | string;
  handler: (sim: Simulation, request: SimRequest) => SimResponse | Promise<SimResponse>;
}

export function route(
  method: string,
  template: string,
  kind: RouteKind,
  operation: Operation | string,
  handler: Route['handler'],
): Route {
  const names: string[] = [];
  const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { method, pattern: new RegExp(`^${source}$`), names, kind, operation, handler };
}

export function matchRoute(
  routes: Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (!match) continue;
    const params = Object.fromEntries(
      candidate.names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]),
    );
    return { route: candidate, params };
  }
  return undefined;
}

export function json(status: number, body: unknown): SimResponse {
  return { status, json: body };
}

export function errorBody(code: string, message: string, details?: string): unknown {
  return { errors: [{ code, message, ...(details !== undefined ? { details } : {}) }] };
}

/** The JSON body validated with a zod schema; a bad body is Amazon's 400 InvalidInput naming the field. */
export function parseBody<T extends z.ZodType>(request: SimRequest, schema: T): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(request.body.toString('utf8') || 'null');
  } catch {
    throw invalidInput('The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalidInput(
      `Invalid request body: ${issue?.path.join('.') || 'body'} ${issue?.message ?? 'is invalid'}.`,
    );
  }
  return parsed.data;
}

/** A comma-separated (or repeated) query parameter as a list. */
export function queryList(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
}

export function parseTime(value: string | null, name: string): Date | undefined {
  if (value === null || value === '') return undefined;
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time.getTime())) {
    throw invalidInput(`Invalid ${name}: expected an ISO 8601 date-time, got '${value}'.`);
  }
  return time;
}
