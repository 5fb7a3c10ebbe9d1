import {
  ConfigurationError,
  EventoError,
  InvalidArgumentError,
  PayloadTooLargeError,
  StoreUnavailableError,
} from '../errors';

/** MySQL/MariaDB server error numbers the stores react to. */
export const MysqlErrno = {
  DuplicateEntry: 1062,
  LockWaitTimeout: 1205,
  Deadlock: 1213,
  DataTooLong: 1406,
  PacketTooLarge: 1153,
} as const;

/** Server errors that mean the connection or server is gone or refuses work for now. */
const UNAVAILABLE_ERRNOS = new Set([
  1040, // ER_CON_COUNT_ERROR: too many connections
  1053, // ER_SERVER_SHUTDOWN
  1158, // ER_NET_READ_ERROR
  1159, // ER_NET_READ_INTERRUPTED
  1160, // ER_NET_ERROR_ON_WRITE
  1161, // ER_NET_WRITE_INTERRUPTED
  1203, // ER_TOO_MANY_USER_CONNECTIONS
  1317, // ER_QUERY_INTERRUPTED (KILL QUERY)
  1290, // ER_OPTION_PREVENTS_STATEMENT (--read-only during a failover)
  1792, // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
  1836, // ER_READ_ONLY_MODE
  1927, // ER_CONNECTION_KILLED (MariaDB)
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
]);

/** Driver and socket codes that mean the connection could not be made or was lost. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
  'ER_SERVER_SHUTDOWN',
]);

/** Errors that retrying cannot fix: wrong credentials or database name. */
const CONFIGURATION_ERRNOS = new Set([
  1044, // ER_DBACCESS_DENIED_ERROR
  1045, // ER_ACCESS_DENIED_ERROR
  1698, // ER_ACCESS_DENIED_NO_PASSWORD_ERROR (MariaDB: a wrong user or password, as it reports them)
  1049, // ER_BAD_DB_ERROR
  1142, // ER_TABLEACCESS_DENIED_ERROR
]);

function field(error: unknown, name: 'errno' | 'code' | 'fatal'): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/** The server error number of a mysql2 error, if it has one. */
export function errnoOf(error: unknown): number | undefined {
  const errno = field(error, 'errno');
  return typeof errno === 'number' ? errno : undefined;
}

/** True for a unique key violation (ER_DUP_ENTRY). */
export function isDuplicateKey(error: unknown): boolean {
  return errnoOf(error) === MysqlErrno.DuplicateEntry || field(error, 'code') === 'ER_DUP_ENTRY';
}

/** True for a deadlock or lock wait timeout: the transaction may succeed when run again. */
export function isLockConflict(error: unknown): boolean {
  const errno = errnoOf(error);
  return errno === MysqlErrno.Deadlock || errno === MysqlErrno.LockWaitTimeout;
}

/** True when the connection could not be made, was lost, or the server refuses work for now. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof StoreUnavailableError) return true;
  const errno = errnoOf(error);
  const code = field(error, 'code');
  return (
    (errno !== undefined && UNAVAILABLE_ERRNOS.has(errno)) ||
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    field(error, 'fatal') === true
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns a driver error into the framework's error for it: lost connections, lock conflicts that
 * outlived their retries and refusals become `StoreUnavailableError` (retriable), bad credentials
 * or database names `ConfigurationError`, a too long value `InvalidArgumentError`, a statement
 * over `max_allowed_packet` `PayloadTooLargeError`. Framework
 * errors and anything else are returned unchanged. `doing` says what the store was doing.
 */
export function mapDriverError(error: unknown, doing: string): unknown {
  if (error instanceof EventoError) return error;
  const errno = errnoOf(error);
  const context = { doing, code: field(error, 'code'), errno };
  if (errno === MysqlErrno.PacketTooLarge) {
    return new PayloadTooLargeError(
      `MySQL refused a statement while ${doing}: ${messageOf(error)}. Make the payload smaller, or raise the server's max_allowed_packet ` +
        '(SET GLOBAL max_allowed_packet = ...; and max_allowed_packet under [mysqld] in its configuration).',
      { cause: error, context },
    );
  }
  if (isConnectionError(error)) {
    return new StoreUnavailableError(
      `MySQL was unavailable while ${doing}: ${messageOf(error)}. Check that the database is up and reachable; the call may succeed when retried.`,
      { cause: error, context },
    );
  }
  if (isLockConflict(error)) {
    return new StoreUnavailableError(
      `MySQL kept reporting lock conflicts while ${doing}: ${messageOf(error)}. The database is overloaded or a transaction holds locks for long; retry later.`,
      { cause: error, context },
    );
  }
  if (errno !== undefined && CONFIGURATION_ERRNOS.has(errno)) {
    return new ConfigurationError(
      `MySQL refused access while ${doing}: ${messageOf(error)}. Check the user, password and database in the store's connection settings.`,
      { cause: error, context },
    );
  }
  if (errno === MysqlErrno.DataTooLong) {
    return new InvalidArgumentError(
      `A value is too long for its column while ${doing}: ${messageOf(error)}. Ids, names and contexts are limited to 255 characters.`,
      { cause: error, context },
    );
  }
  return error;
}
