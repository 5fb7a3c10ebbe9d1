/**
 * A handler's error as wire data, and back. The data names the error's class, and the receiving
 * side re-creates that class only when its ErrorRegistry lists it; anything else becomes a
 * RemoteHandlerError holding what the error carried. No class is looked up anywhere else.
 */
import { MalformedMessageError, RemoteHandlerError } from '../errors';
import { EventoError } from '../errors/eventoError';
import { FORBIDDEN_KEYS } from '../internal/forbiddenKeys';
import { encode } from '../messages/json';
import { reviveJson, type ClassNames } from '../messages/safeRevive';
import type { ErrorRegistry } from './errorRegistry';
import { defineOwn } from '../internal/ownProperty';

/** An error as it travels. */
export interface WireErrorData {
  /** The class name the receiver looks up in its ErrorRegistry. */
  readonly type: string;
  /** The error's `name`. */
  readonly name: string;
  /** The error's message. */
  readonly message: string;
  /** The error's `code`, when it has a string one. */
  readonly code: string | null;
  /** Whether the same call may succeed when tried again. */
  readonly retriable: boolean;
  /** The error's own fields, as JSON text in the tagged encoding of `messages/json.ts`. */
  readonly details: string;
  /** The handler side's stack, when its bundle shares stacks. */
  readonly stack: string | null;
  /** The error's `cause`, when it is an error too. */
  readonly cause: WireErrorData | null;
}

/** Causes followed at most, so a cyclic or very long chain stays small. */
const MAX_CAUSES = 4;

/** Fields carried apart from the details. */
const APART = new Set(['message', 'stack', 'cause']);

/** `error` (anything a handler threw) as wire data. Never throws. */
export function errorToWire(
  error: unknown,
  names: ClassNames,
  shareStack: boolean,
  depth = 0,
): WireErrorData {
  if (!(error instanceof Error)) {
    return {
      type: 'NonError',
      name: 'NonError',
      message: `A handler threw a value that is not an Error: ${describeThrown(error)}`,
      code: null,
      retriable: false,
      details: '{}',
      stack: null,
      cause: null,
    };
  }
  const own = error as unknown as Record<string, unknown>;
  const code = own.code;
  return {
    type: error.constructor.name || 'Error',
    name: typeof error.name === 'string' ? error.name : 'Error',
    message: typeof error.message === 'string' ? error.message : '',
    code: typeof code === 'string' ? code : null,
    retriable: error instanceof EventoError ? error.retriable : own.retriable === true,
    details: encodeDetails(own, names),
    stack: shareStack && typeof error.stack === 'string' ? error.stack : null,
    cause:
      error.cause instanceof Error && depth < MAX_CAUSES
        ? errorToWire(error.cause, names, shareStack, depth + 1)
        : null,
  };
}

/**
 * The error `data` describes: an instance of its class when `errors` lists it (its own fields
 * defined as they were, no constructor run), else a RemoteHandlerError.
 */
export function errorFromWire(data: WireErrorData, errors: ErrorRegistry, names: ClassNames): Error {
  const details = reviveJson(data.details, names);
  if (details === null || typeof details !== 'object' || Array.isArray(details)) {
    throw new MalformedMessageError(
      `The details of the remote error ${data.name} must be a JSON object; the message was damaged or not written by evento-ts.`,
      { context: { field: 'error.details' } },
    );
  }
  const cause = data.cause === null ? undefined : errorFromWire(data.cause, errors, names);
  const ctor = errors.classOf(data.type);
  if (ctor === undefined) {
    const remote = new RemoteHandlerError(
      `A remote handler failed with ${data.name}: ${data.message} ` +
        `(${data.type} is not registered on this side: register it with registerErrors([${data.type}]) on the calling bundle to receive it as its own class).`,
      {
        remoteName: data.name,
        remoteMessage: data.message,
        remoteCode: data.code ?? undefined,
        details: details as Record<string, unknown>,
        retriable: data.retriable,
        cause,
        context: { remoteName: data.name, remoteCode: data.code },
      },
    );
    if (data.stack !== null) defineOwn(remote, 'stack', data.stack, false);
    return remote;
  }
  // A real Error (so the platform prints and inspects it as one) given the registered class's prototype.
  const error = new Error(data.message) as unknown as Record<string, unknown>;
  Object.setPrototypeOf(error, ctor.prototype as object);
  for (const [key, value] of Object.entries(details as Record<string, unknown>))
    defineOwn(error, key, value, true);
  if (data.stack !== null) defineOwn(error, 'stack', data.stack, false);
  if (cause !== undefined) defineOwn(error, 'cause', cause, false);
  return error as unknown as Error;
}

function encodeDetails(error: Record<string, unknown>, names: ClassNames): string {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (!APART.has(key) && !FORBIDDEN_KEYS.has(key)) fields[key] = error[key];
  }
  try {
    return encode(fields, names);
  } catch {
    // One field cannot be encoded (a cycle, a BigInt...): keep the others, describe that one.
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      try {
        encode([value], names);
        kept[key] = value;
      } catch (cause) {
        kept[key] = `[not serializable: ${String(cause instanceof Error ? cause.message : cause)}]`;
      }
    }
    return encode(kept, names);
  }
}

function describeThrown(value: unknown): string {
  try {
    return `${typeof value} ${JSON.stringify(value)?.slice(0, 200) ?? String(value)}`;
  } catch {
    return typeof value;
  }
}
