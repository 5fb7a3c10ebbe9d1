import { ConfigurationError, EventoError, StoreUnavailableError } from '../errors';

/** Node socket error codes that mean the database could not be reached or the link broke. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs outside class 08 that also mean "the server is not serving this connection". */
const SERVER_CODES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, server stop)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovery)
  '53300', // too_many_connections
]);

/** SQLSTATEs that mean the connection settings are wrong (retrying will not help), and the fix. */
const SETTING_CODES: Readonly<Record<string, string>> = {
  '28P01': 'check the user and password in the connection string or pool.',
  '28000': 'check that the user may connect to this database (pg_hba.conf, the user name).',
  '3D000': 'create the database, or fix its name in the connection string.',
};

/** Messages `pg` uses for a broken connection; it gives these errors no code. */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
];

/** The SQLSTATE or socket code of a driver error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' ? code : undefined;
}

/** True when `error` says the connection failed or broke, not that the statement was wrong. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof EventoError) return false;
  const code = errorCode(error);
  if (code !== undefined && (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08')))
    return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  const message = error instanceof Error ? error.message : '';
  return DRIVER_MESSAGES.some((m) => message.includes(m));
}

/** True for a unique-constraint violation (23505). */
export function isUniqueViolation(error: unknown): boolean {
  return errorCode(error) === '23505';
}

/**
 * Turns a connection-level failure into a (retriable) StoreUnavailableError carrying the driver
 * error as its cause; returns any other error unchanged.
 */
export function mapDriverError(error: unknown, operation: string): unknown {
  const code = errorCode(error);
  const setting = code === undefined ? undefined : SETTING_CODES[code];
  if (setting !== undefined) {
    const detail = error instanceof Error ? error.message : String(error);
    return new ConfigurationError(
      `PostgreSQL refused the connection during ${operation}: ${detail}; ${setting}`,
      {
        cause: error,
        context: { operation, code },
      },
    );
  }
  if (!isConnectionError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(
    `PostgreSQL is unavailable during ${operation} (${detail}); the call may succeed when retried.`,
    { cause: error, context: { operation, code: errorCode(error) } },
  );
}
