import { InvalidArgumentError } from '../errors';
import { EVENT_ID_RULE } from '../internal/eventId';
import { FORBIDDEN_KEYS } from '../internal/forbiddenKeys';
import { CommandIdentity, MAX_IDEMPOTENCY_KEY_LENGTH } from './commandRecords';
import type { AppendRequest, CommandRecord } from './eventStore';

/** A UTF-16 surrogate without its other half: not a character, so no database can store it faithfully. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** NUL or any surrogate: text without one needs no closer look (most text, checked in one scan). */
// eslint-disable-next-line no-control-regex -- NUL is one of the characters looked for
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

/**
 * Rejects an append request no store should accept, before anything is written. Every store calls
 * it, so ids, names and metadata are held to one rule everywhere: PostgreSQL refuses NUL and lone
 * surrogates with raw driver errors, and MySQL would store a lone surrogate as U+FFFD (another id).
 */
export function validateAppend(request: AppendRequest): void {
  const { aggregateId, expectedVersion, events } = request;
  if (events.length === 0) {
    throw new InvalidArgumentError('append() needs at least one event; do not call it with an empty batch.');
  }
  if (aggregateId !== null && (typeof aggregateId !== 'string' || aggregateId.length === 0)) {
    throw new InvalidArgumentError(
      `append() needs a non-empty aggregate id (got ${JSON.stringify(aggregateId)}); return a non-empty id from getAggregateId().`,
    );
  }
  if (aggregateId !== null) requireStorableText(aggregateId, 'the aggregate id', 'getAggregateId()');
  if (aggregateId !== null && (!Number.isInteger(expectedVersion) || expectedVersion < 0)) {
    throw new InvalidArgumentError(
      `append() needs a whole expectedVersion >= 0 (got ${expectedVersion}); pass the version the events were decided on.`,
    );
  }
  for (const event of events) {
    if (
      typeof event.eventName !== 'string' ||
      event.eventName.length === 0 ||
      typeof event.payload !== 'string'
    ) {
      throw new InvalidArgumentError(
        'append() got an event without a name or JSON payload; serialize events with the PayloadRegistry.',
      );
    }
    requireStorableText(event.eventName, 'the event name', '@PayloadName');
    requireStorableText(event.context, 'the context', 'getContext()');
    validateMetadata(event.metadata);
    if (
      event.eventId !== undefined &&
      (typeof event.eventId !== 'string' || !EVENT_ID_RULE.test(event.eventId))
    ) {
      throw new InvalidArgumentError(
        `append() got the event id ${JSON.stringify(event.eventId)}, which is not a lowercase UUID; leave it out and the store makes one.`,
        { context: { field: 'eventId' } },
      );
    }
  }
  if (request.command !== undefined) validateCommandRecord(request.command);
}

/** Rejects a command record no store keeps faithfully, naming the field and the fix. */
function validateCommandRecord(command: CommandRecord): void {
  validateIdempotencyKey(command.idempotencyKey);
  requireStorableText(command.commandName, 'the command name', '@PayloadName');
  // A CommandIdentity's fingerprint is hex by construction: checking it would hash every command.
  if (!(command instanceof CommandIdentity))
    requireStorableText(command.fingerprint, 'the command fingerprint', 'commandFingerprint()');
  if (typeof command.resultIsArray !== 'boolean') {
    throw new InvalidArgumentError('append() got a command record whose resultIsArray is not a boolean.');
  }
}

/**
 * Throws InvalidArgumentError unless `key` is an idempotency key every store keeps: a non-empty
 * string of at most 255 characters, without NUL or lone surrogates.
 */
export function validateIdempotencyKey(key: unknown): void {
  requireStorableText(key, 'the idempotency key', 'the idempotencyKey you set');
  const text = key as string;
  if (text.length === 0 || text.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new InvalidArgumentError(
      `An idempotency key must have 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (got ${text.length}); ` +
        'use a UUID, or a hash of a longer key.',
      { context: { field: 'idempotencyKey' } },
    );
  }
}

/** Rejects metadata that no store keeps faithfully: non-string values, NUL, lone surrogates, refused keys. */
export function validateMetadata(metadata: Readonly<Record<string, string>>): void {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new InvalidArgumentError(
      `append() got metadata that is not a map of strings (got ${describe(metadata)}).`,
    );
  }
  for (const key of Object.keys(metadata)) {
    const value: unknown = metadata[key];
    // The common case, checked without building the messages below for every key of every event.
    if (typeof value === 'string' && !SUSPECT.test(key) && !SUSPECT.test(value) && !FORBIDDEN_KEYS.has(key))
      continue;
    const field = `the metadata key ${JSON.stringify(key)}`;
    if (FORBIDDEN_KEYS.has(key)) {
      throw new InvalidArgumentError(
        `${field} is refused: it could replace an object's prototype when read back; use another key.`,
        { context: { field: 'metadata', key } },
      );
    }
    requireStorableText(key, field, 'the metadata you set');
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(
        `The value of ${field} must be a string (got ${describe(value)}); metadata is a map of strings.`,
        { context: { field: 'metadata', key } },
      );
    }
    requireStorableText(value, `the value of ${field}`, 'the metadata you set');
  }
}

/**
 * Throws InvalidArgumentError naming `field` unless `value` is a string every store keeps as it
 * is: no NUL character, no lone UTF-16 surrogate. `source` says where the value came from.
 */
export function requireStorableText(value: unknown, field: string, source: string): void {
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(`${capitalize(field)} must be a string (got ${describe(value)}).`, {
      context: { field },
    });
  }
  if (!SUSPECT.test(value)) return;
  const problem = value.includes('\u0000')
    ? 'a NUL character (\\u0000)'
    : LONE_SURROGATE.test(value)
      ? 'a lone UTF-16 surrogate (half of a character)'
      : undefined;
  if (problem !== undefined) {
    throw new InvalidArgumentError(
      `${capitalize(field)} ${JSON.stringify(value.slice(0, 80))} holds ${problem}, which no store keeps as it is; remove it from ${source}.`,
      { context: { field } },
    );
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
