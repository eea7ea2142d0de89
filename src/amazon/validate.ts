import { z } from 'zod';
import type { Logger } from '../shared/logger.js';
import { AmazonResponseError } from './errors.js';

/**
 * Amazon's responses are checked at the edge. What we need must be there (else an AmazonResponseError
 * names the operation and the field); what we do not know is kept and logged once per process, never
 * rejected: extra fields pass through, enum members outside the known list stay as strings.
 */

const knownMembers = new WeakMap<z.ZodType, readonly string[]>();

/** A string Amazon may extend: any value passes, values outside `known` are reported. */
export function openEnum(known: readonly string[]): z.ZodString {
  const schema = z.string();
  knownMembers.set(schema, known);
  return schema;
}

export interface Unknown {
  path: string;
  /** An unknown enum member (safe to log: enum values carry no buyer data). */
  value?: string;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (
    current instanceof z.ZodOptional ||
    current instanceof z.ZodNullable ||
    current instanceof z.ZodDefault
  ) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** Walks a parsed value beside its schema and lists unknown fields (names only) and unknown enum members. */
export function findUnknowns(schema: z.ZodType, value: unknown, path = ''): Unknown[] {
  const inner = unwrap(schema);
  const known = knownMembers.get(inner);
  if (known) return typeof value === 'string' && !known.includes(value) ? [{ path, value }] : [];
  if (inner instanceof z.ZodArray && Array.isArray(value)) {
    return value.flatMap((item) => findUnknowns(inner.element as z.ZodType, item, `${path}[]`));
  }
  if (inner instanceof z.ZodObject && value !== null && typeof value === 'object') {
    const shape = inner.shape as Record<string, z.ZodType>;
    return Object.entries(value as Record<string, unknown>).flatMap(([key, field]) => {
      const fieldPath = path === '' ? key : `${path}.${key}`;
      const fieldSchema = shape[key];
      return fieldSchema ? findUnknowns(fieldSchema, field, fieldPath) : [{ path: fieldPath }];
    });
  }
  return [];
}

const reported = new Set<string>();

/** The id of the outermost order on the way to a bad field, so the error says which order it was. */
function orderIdOnPath(value: unknown, path: readonly PropertyKey[]): string | undefined {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
    const orderId = (current as { orderId?: unknown } | null | undefined)?.orderId;
    if (typeof orderId === 'string' && orderId !== '') return orderId;
  }
  return undefined;
}

function responseError(operation: string, issues: z.core.$ZodIssue[], value: unknown): AmazonResponseError {
  const isMissing = (issue: z.core.$ZodIssue) => issue.code === 'invalid_type' && issue.input === undefined;
  // A missing field is reported before a malformed one: it is the more basic problem.
  const issue = issues.find(isMissing) ?? issues[0];
  const field = issue?.path.map(String).join('.') || '(body)';
  const problem =
    issue && isMissing(issue) ? 'is missing' : `is invalid: ${issue?.message ?? 'unexpected value'}`;
  return new AmazonResponseError(operation, field, problem, orderIdOnPath(value, issue?.path ?? []));
}

function reportUnknowns(
  operation: string,
  schema: z.ZodType,
  data: unknown,
  logger: Logger,
  path = '',
): void {
  for (const unknown of findUnknowns(schema, data, path)) {
    const key = `${operation}|${unknown.path}|${unknown.value ?? ''}`;
    if (reported.has(key)) continue;
    reported.add(key);
    if (unknown.value === undefined)
      logger.info({ operation, field: unknown.path }, 'amazon sent a field we do not know; kept');
    else
      logger.warn(
        { operation, field: unknown.path, value: unknown.value },
        'amazon sent a value we do not know; kept',
      );
  }
}

export function parseResponse<T extends z.ZodType>(
  operation: string,
  schema: T,
  value: unknown,
  logger: Logger,
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw responseError(operation, parsed.error.issues, value);
  reportUnknowns(operation, schema, parsed.data, logger);
  return parsed.data;
}

/**
 * Checks each element of an already validated response's array field on its own: valid elements are
 * returned, each invalid one is set aside with the error it would have raised (same operation, element and
 * field), so one bad element does not hide the others.
 */
export function parseEach<T extends z.ZodType>(
  operation: string,
  schema: T,
  response: Record<string, unknown>,
  field: string,
  logger: Logger,
): { valid: z.output<T>[]; rejected: AmazonResponseError[] } {
  const elements = response[field];
  const valid: z.output<T>[] = [];
  const rejected: AmazonResponseError[] = [];
  (Array.isArray(elements) ? elements : []).forEach((element: unknown, index) => {
    const parsed = schema.safeParse(element);
    if (parsed.success) {
      reportUnknowns(operation, schema, parsed.data, logger, `${field}[]`);
      valid.push(parsed.data);
      return;
    }
    const issues = parsed.error.issues.map((issue) => ({ ...issue, path: [field, index, ...issue.path] }));
    rejected.push(responseError(operation, issues, response));
  });
  return { valid, rejected };
}

export function parseJsonBody(operation: string, body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new AmazonResponseError(operation, '(body)', 'is not JSON');
  }
}
