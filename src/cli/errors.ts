import { CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { DecryptionError } from '../shared/crypto.js';
import { escapeUnsafe } from '../shared/text.js';
import {
  MissingDatabaseError,
  NotFoundError,
  ServiceUnavailableError,
  UsageError,
} from '../shared/errors.js';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** EX_UNAVAILABLE (sysexits.h): Postgres or Redis cannot be reached. */
export const EXIT_UNAVAILABLE = 69;
/** EX_CONFIG (sysexits.h): a bad setting, or the database it names does not exist. */
export const EXIT_CONFIG = 78;

/** What a failed command reports: one line for people, one JSON object on stderr with --json. */
export interface CliError {
  error: string;
  code: string;
  field?: string;
  exitCode: number;
}

/** The flag or argument a Commander message is about: `option '--region <region>'`, `argument 'id'`. */
function commanderField(message: string): string | undefined {
  const option = /option '(-[-\w]+)/.exec(message);
  if (option) return option[1];
  return /argument '([^']+)'/.exec(message)?.[1];
}

export function describeCliError(err: unknown): CliError {
  if (err instanceof CommanderError) {
    const message = err.message.replace(/^error: /, '');
    const field = commanderField(err.message);
    return { error: message, code: 'usage', ...(field ? { field } : {}), exitCode: EXIT_USAGE };
  }
  if (err instanceof ConfigError) return { error: err.message, code: 'config', exitCode: EXIT_CONFIG };
  if (err instanceof MissingDatabaseError)
    return { error: err.message, code: 'database_missing', field: 'DATABASE_URL', exitCode: EXIT_CONFIG };
  if (err instanceof ServiceUnavailableError)
    return { error: err.message, code: 'unavailable', field: err.variable, exitCode: EXIT_UNAVAILABLE };
  if (err instanceof UsageError)
    return {
      error: err.message,
      code: 'usage',
      ...(err.field ? { field: err.field } : {}),
      exitCode: EXIT_USAGE,
    };
  if (err instanceof NotFoundError) return { error: err.message, code: 'not_found', exitCode: EXIT_USAGE };
  if (err instanceof DecryptionError)
    return {
      error: `cannot read stored secrets: ${err.message}`,
      code: 'decryption',
      exitCode: EXIT_FAILURE,
    };
  const message = err instanceof Error ? err.message : String(err);
  return { error: message || String(err), code: 'failed', exitCode: EXIT_FAILURE };
}

export function writeCliError(described: CliError, json: boolean): void {
  const { exitCode: _exitCode, ...body } = described;
  const text = described.error.split('\n').map(escapeUnsafe).join('\n');
  process.stderr.write(json ? `${JSON.stringify(body)}\n` : `sellersync: ${text}\n`);
}
