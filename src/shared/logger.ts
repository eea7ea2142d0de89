import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths never written to a log. pino's wildcards match one level, so the common nestings are listed.
 * Buyer data is also kept out of log objects by the code; this is the second line of defence.
 */
const SECRET_FIELDS = [
  'refreshToken',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'lwaClientSecret',
  'accessToken',
  'access_token',
  'authorization',
  'password',
  'x-amz-access-token',
  'buyer',
  'recipient',
  'buyerName',
  'buyerEmail',
  'email',
  'phone',
  'address',
  'shippingAddress',
  'deliveryAddress',
];

const accessor = (field: string) => (/^\w+$/.test(field) ? `.${field}` : `["${field}"]`);

export const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => [
  accessor(field).replace(/^\./, ''),
  `*${accessor(field)}`,
  `*.*${accessor(field)}`,
]);

export interface LoggerSettings {
  level: string;
  pretty: boolean;
}

export function createLogger(settings: LoggerSettings, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: 'sellersync' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err },
  };
  if (destination) return pino(options, destination);
  if (settings.pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'UTC:yyyy-mm-dd HH:MM:ss.l' } },
    });
  }
  return pino(options);
}
