import { EventoError } from '../errors';

const transientCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
]);

/**
 * What `pg` says, with no code, when a handler queries a client whose connection broke (killed by
 * the server, dropped by the network): the same failure the codes above name, without a code.
 */
const lostConnectionMessages = [
  'Connection terminated',
  'Client has encountered a connection error',
  'Client was closed and is not queryable',
];

/**
 * True for failures that say "not now" rather than "never": retriable framework errors (store
 * unavailable, timeouts, TransientConsumerError), refused or dropped connections (by code, by
 * `pg`'s message for a broken client, or by mysql2's `fatal` flag), timeouts, and
 * SQL transient states (Postgres classes 08, 40, 53, 57P; MySQL deadlock and lock wait timeout).
 * A consumer retries these without end and never moves past the event.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof EventoError) return error.retriable && error.code !== 'EVENTO_CONCURRENCY';
  if (error === null || typeof error !== 'object') return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  if (typeof code === 'string') {
    if (transientCodes.has(code)) return true;
    if (/^(08|40|53|57P)/.test(code) && code.length === 5) return true;
    if (code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT') return true;
  }
  if (errno === 1213 || errno === 1205) return true;
  // mysql2 flags every error after which the connection is unusable (killed, lost) as fatal.
  if ((error as { fatal?: unknown }).fatal === true) return true;
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && lostConnectionMessages.some((m) => message.startsWith(m))) return true;
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isTransient(cause);
}

/** Exponential backoff with jitter: `base * 2^attempt`, capped, randomised by ±50%. */
export function backoffMs(attempt: number, baseMs: number, capMs = 30_000): number {
  const ms = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ms * (0.5 + Math.random()));
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
