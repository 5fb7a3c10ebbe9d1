import { createHash } from 'node:crypto';
import { ConfigurationError, IdempotencyKeyConflictError } from '../errors';
import {
  DEFAULT_IDEMPOTENCY_RETENTION_MS,
  type AppendRequest,
  type CommandRecord,
  type StoredEvent,
} from './eventStore';

/** The longest idempotency key every store keeps (MySQL indexes it as VARCHAR(255)). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Options every event store takes about idempotency keys. */
export interface IdempotencyOptions {
  /**
   * How long (ms) a command's idempotency key is kept at least, default 24 hours. A command
   * delivered again after that runs again. Expired keys are deleted in the background.
   */
  readonly idempotencyRetentionMs?: number;
}

/** The retention an option asks for, checked: a positive whole number of milliseconds. */
export function idempotencyRetention(options: IdempotencyOptions): number {
  const value = options.idempotencyRetentionMs ?? DEFAULT_IDEMPOTENCY_RETENTION_MS;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigurationError(
      `idempotencyRetentionMs must be a positive whole number of milliseconds (got ${String(value)}); ` +
        'leave it out for 24 hours.',
      { context: { idempotencyRetentionMs: value } },
    );
  }
  return value;
}

/**
 * Throws IdempotencyKeyConflictError unless `recorded` (what a store holds under the key) is the
 * same command as `command` (same fingerprint). The one check every store and runtime makes.
 */
export function requireSameCommand(
  recorded: Pick<CommandRecord, 'fingerprint' | 'commandName'>,
  command: Pick<CommandRecord, 'fingerprint' | 'commandName' | 'idempotencyKey'>,
): void {
  if (recorded.fingerprint !== command.fingerprint) {
    throw new IdempotencyKeyConflictError(command.idempotencyKey, command.commandName, recorded.commandName);
  }
}

/**
 * True when `stored`, what an append resolved to, are the events of `request` itself, false when
 * the store found the command's key recorded and returned the first execution's events instead.
 */
export function appendedAsRequested(request: AppendRequest, stored: readonly StoredEvent[]): boolean {
  const first = request.events[0]?.eventId;
  return first === undefined ? request.command === undefined : stored[0]?.eventId === first;
}

/**
 * Runs a store's deletion of expired idempotency keys in the background, at most once per
 * interval, never more than one at a time, and never in the way of the append that triggered it.
 * Its failures are dropped: the next run deletes what this one left.
 */
export class KeyCleanup {
  private last = Date.now();
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Milliseconds between two runs: the retention, at most a minute. */
  readonly intervalMs: number;

  constructor(
    retentionMs: number,
    private readonly run: () => Promise<number>,
  ) {
    this.intervalMs = Math.max(10, Math.min(retentionMs, 60_000));
  }

  /** Starts a run unless one ran within the interval or one is running; returns at once. */
  poke(): void {
    if (this.stopped || this.running !== undefined || Date.now() - this.last < this.intervalMs) return;
    this.last = Date.now();
    this.running = this.run()
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.running = undefined;
      });
  }

  /** No more runs; resolves when the one in progress, if any, has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}

/**
 * The fingerprint that tells two commands apart under one idempotency key: a SHA-256 (hex) of
 * the command's payload name and its JSON. Two deliveries of one command have the same one.
 */
export function commandFingerprint(commandName: string, payloadJson: string): string {
  return createHash('sha256').update(commandName).update('\u0000').update(payloadJson).digest('hex');
}

/**
 * A command's record as the runtimes make it: it keeps the command's JSON and hashes it into the
 * fingerprint only when the fingerprint is first read, by a store that writes it down (SQL) or
 * when the key turns out to be recorded already. The in-memory store keeps the record itself, so
 * a command whose key is never reused is never hashed.
 */
export class CommandIdentity implements CommandRecord {
  private hash: string | undefined;

  constructor(
    readonly idempotencyKey: string,
    readonly commandName: string,
    private readonly payloadJson: string,
    readonly resultIsArray: boolean,
  ) {}

  /** {@link commandFingerprint} of the command's name and JSON, computed once, when first read. */
  get fingerprint(): string {
    return (this.hash ??= commandFingerprint(this.commandName, this.payloadJson));
  }
}
