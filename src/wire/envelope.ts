/**
 * The envelope's shape on the wire and the checks that bytes received are one. Every check fails
 * with a MalformedMessageError naming the field; nothing here looks at the payload, which
 * travels as JSON text of its own and is revived by the receiving bundle's registry.
 */
import { MalformedMessageError, UnsafePayloadError } from '../errors';
import { FORBIDDEN_KEYS } from '../internal/forbiddenKeys';
import type { WireErrorData } from './remoteErrors';

/** The format version written in every envelope's `evento` field. */
export const WIRE_FORMAT_VERSION = 1;

/** The default size limit of one encoded message: 1 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

/** What every envelope carries. */
interface EnvelopeBase {
  /** The format version, {@link WIRE_FORMAT_VERSION}. */
  readonly evento: number;
  /** This message's own id. */
  readonly messageId: string;
  /** When the message was created, in milliseconds since the epoch. */
  readonly timestamp: number;
  /** The metadata as `[key, value]` pairs (no key of the JSON is ever chosen by data). */
  readonly metadata: readonly (readonly [string, string])[];
}

/** A command or query on its way to a handler. */
export interface RequestEnvelope extends EnvelopeBase {
  /** Which request it is. */
  readonly kind: 'command' | 'query';
  /** The payload's registered name. */
  readonly payloadName: string;
  /** The payload's schema revision, for upcasting; null while none is set. */
  readonly revision: string | null;
  /** The payload as JSON text, in the tagged encoding of `messages/json.ts`. */
  readonly payload: string;
  /** Milliseconds since the epoch after which the request must not be executed; null for none. */
  readonly deadline: number | null;
  /** Where the answer goes, for transports that need one; null when the transport answers by itself. */
  readonly replyTo: string | null;
}

/** The answer to a request: what the handler returned. */
export interface ResponseEnvelope extends EnvelopeBase {
  /** Always `response`. */
  readonly kind: 'response';
  /** The request's message id. */
  readonly inReplyTo: string;
  /** The registered name of the result's class, when it has one. */
  readonly payloadName: string | null;
  /** The result's schema revision; null while none is set. */
  readonly revision: string | null;
  /** `[]` when the handler returned nothing, else `[result]`, as JSON text in the tagged encoding. */
  readonly payload: string;
}

/** The answer to a request: the handler's error. */
export interface ErrorEnvelope extends EnvelopeBase {
  /** Always `error`. */
  readonly kind: 'error';
  /** The request's message id. */
  readonly inReplyTo: string;
  /** The error as data. */
  readonly error: WireErrorData;
}

/** Any envelope. */
export type Envelope = RequestEnvelope | ResponseEnvelope | ErrorEnvelope;

/** Checks `value` (parsed JSON) is an envelope, field by field. */
export function checkEnvelope(value: unknown): Envelope {
  const record = object(value, '$');
  if (record.evento !== WIRE_FORMAT_VERSION) {
    throw malformed(
      'evento',
      `The message is not in evento-ts wire format version ${WIRE_FORMAT_VERSION} (its 'evento' field is ${show(record.evento)}); ` +
        'the sender runs another version of the format or is not evento-ts: upgrade the older side.',
    );
  }
  const kind = record.kind;
  // Each envelope is one literal, not a shared base spread into it: on Node 20 a spread followed by
  // more keys takes microseconds per object (see docs/performance.md, "Spreads on hot paths").
  const messageId = nonEmpty(record, 'messageId');
  const timestamp = time(record, 'timestamp', false) as number;
  const metadata = pairs(record.metadata);
  switch (kind) {
    case 'command':
    case 'query':
      return {
        evento: WIRE_FORMAT_VERSION,
        messageId,
        timestamp,
        metadata,
        kind,
        payloadName: nonEmpty(record, 'payloadName'),
        revision: optionalString(record, 'revision'),
        payload: string(record, 'payload'),
        deadline: time(record, 'deadline', true),
        replyTo: optionalString(record, 'replyTo'),
      };
    case 'response':
      return {
        evento: WIRE_FORMAT_VERSION,
        messageId,
        timestamp,
        metadata,
        kind,
        inReplyTo: nonEmpty(record, 'inReplyTo'),
        payloadName: optionalString(record, 'payloadName'),
        revision: optionalString(record, 'revision'),
        payload: string(record, 'payload'),
      };
    case 'error':
      return {
        evento: WIRE_FORMAT_VERSION,
        messageId,
        timestamp,
        metadata,
        kind,
        inReplyTo: nonEmpty(record, 'inReplyTo'),
        error: errorData(record.error, 'error', 0),
      };
    default:
      throw malformed(
        'kind',
        `The field 'kind' must be command, query, response or error, but is ${show(kind)}.`,
      );
  }
}

function errorData(value: unknown, path: string, depth: number): WireErrorData {
  const record = object(value, path);
  const retriable = record.retriable;
  if (typeof retriable !== 'boolean') throw wrongType(`${path}.retriable`, 'a boolean', retriable);
  if (depth > 8) throw malformed(`${path}.cause`, `The error's causes are nested too deeply at ${path}.`);
  return {
    type: nonEmpty(record, 'type', path),
    name: string(record, 'name', path),
    message: string(record, 'message', path),
    code: optionalString(record, 'code', path),
    retriable,
    details: string(record, 'details', path),
    stack: optionalString(record, 'stack', path),
    cause: record.cause === null ? null : errorData(record.cause, `${path}.cause`, depth + 1),
  };
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw wrongType(path, 'a JSON object', value);
  return value as Record<string, unknown>;
}

function string(record: Record<string, unknown>, key: string, path?: string): string {
  const value = record[key];
  if (typeof value !== 'string') throw wrongType(at(path, key), 'a string', value);
  return value;
}

function nonEmpty(record: Record<string, unknown>, key: string, path?: string): string {
  const value = string(record, key, path);
  if (value === '') throw wrongType(at(path, key), 'a non-empty string', value);
  return value;
}

function optionalString(record: Record<string, unknown>, key: string, path?: string): string | null {
  const value = record[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw wrongType(at(path, key), 'a string or null', value);
  return value;
}

function time(record: Record<string, unknown>, key: string, optional: boolean): number | null {
  const value = record[key];
  if (optional && (value === null || value === undefined)) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 8.64e15)
    throw wrongType(key, `a time in milliseconds since the epoch${optional ? ' or null' : ''}`, value);
  return value;
}

function pairs(value: unknown): [string, string][] {
  if (!Array.isArray(value)) throw wrongType('metadata', 'a list of [key, value] string pairs', value);
  const seen = new Set<string>();
  return value.map((pair: unknown, i) => {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== 'string' ||
      typeof pair[1] !== 'string'
    )
      throw wrongType(`metadata[${i}]`, 'a [key, value] pair of strings', pair);
    const key = pair[0];
    if (FORBIDDEN_KEYS.has(key)) {
      throw new UnsafePayloadError(
        `The metadata key '${key}' at metadata[${i}] is refused: it could replace an object's prototype or constructor. ` +
          'A message never holds it unless it was damaged or written to attack.',
        { context: { path: `metadata[${i}]`, key } },
      );
    }
    if (seen.has(key)) throw malformed(`metadata[${i}]`, `The metadata key '${key}' appears twice.`);
    seen.add(key);
    return [key, pair[1]];
  });
}

function at(path: string | undefined, key: string): string {
  return path === undefined ? key : `${path}.${key}`;
}

function wrongType(field: string, expected: string, found: unknown): MalformedMessageError {
  return malformed(field, `The envelope field '${field}' must be ${expected}, but is ${show(found)}.`);
}

function malformed(field: string, message: string): MalformedMessageError {
  return new MalformedMessageError(
    `${message} Nothing of this message reached a handler; it was damaged, or not written by evento-ts.`,
    { context: { field } },
  );
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}
