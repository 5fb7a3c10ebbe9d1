import {
  ConfigurationError,
  MalformedMessageError,
  MessageTooLargeError,
  SerializationError,
} from '../errors';
import { EventoError } from '../errors/eventoError';
import { encode } from '../messages/json';
import { CommandMessage, QueryMessage } from '../messages/messages';
import { Metadata, MetadataKeys, newMessageId } from '../messages/metadata';
import type { PayloadRegistry } from '../messages/payloadRegistry';
import { Command, Query } from '../messages/payloads';
import { parseUntagged, reviveJson } from '../messages/safeRevive';
import {
  checkEnvelope,
  DEFAULT_MAX_MESSAGE_BYTES,
  WIRE_FORMAT_VERSION,
  type Envelope,
  type ErrorEnvelope,
  type RequestEnvelope,
  type ResponseEnvelope,
} from './envelope';
import { ErrorRegistry } from './errorRegistry';
import { errorFromWire, errorToWire } from './remoteErrors';
import { ReplyNames, SendingNames } from './wireNames';

/**
 * A bundle's side of the wire format, as it offers it to the message bus: its payload classes,
 * its error classes, whether it shares stacks.
 */
export interface WireContext {
  /** The bundle's payload classes: received payloads are revived as them. */
  readonly payloads: PayloadRegistry;
  /** The error classes received errors are re-created as; default the framework's own only. */
  readonly errors?: ErrorRegistry;
  /** Whether errors this bundle's handlers throw travel with their stack; default false. */
  readonly shareErrorStacks?: boolean;
}

/** A WireCodec's settings: a bundle's side and the transport's size limit. */
export interface WireCodecOptions extends WireContext {
  /** The size limit of one encoded message in bytes, sent or received; default 1 MiB. */
  readonly maxMessageBytes?: number;
}

/** Where and until when a request may be handled. */
export interface RequestRouting {
  /** Milliseconds since the epoch after which the request must not be executed. */
  readonly deadline?: number | undefined;
  /** Where the answer goes. */
  readonly replyTo?: string | undefined;
}

/** A request as decoded: the message, revived with the receiving bundle's classes, and its routing. */
export interface DecodedRequest {
  /** Whether it is a command or a query. */
  readonly kind: 'command' | 'query';
  /** The message, its payload an instance of the receiving bundle's class. */
  readonly message: CommandMessage | QueryMessage;
  /** Milliseconds since the epoch after which it must not be executed, when it has a deadline. */
  readonly deadline: number | undefined;
  /** Where the answer goes, when the sender named a place. */
  readonly replyTo: string | undefined;
  /** The payload's schema revision, when the sender set one. */
  readonly revision: string | undefined;
}

/** An answer as decoded: the handler's result, or its error re-created. */
export type DecodedReply = DecodedResponse | DecodedError;

/** An answer holding what the handler returned. */
export interface DecodedResponse {
  /** Always `response`. */
  readonly kind: 'response';
  /** The request's message id. */
  readonly inReplyTo: string;
  /** What the handler returned, revived with the caller's classes. */
  readonly result: unknown;
}

/** An answer holding the handler's error. */
export interface DecodedError {
  /** Always `error`. */
  readonly kind: 'error';
  /** The request's message id. */
  readonly inReplyTo: string;
  /** The error, re-created as its class when registered, else a RemoteHandlerError. */
  readonly error: Error;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Encodes commands, queries and their answers to bytes (UTF-8 JSON, see docs/messages.md) and
 * decodes them with one bundle's classes. Decoding refuses, before anything reaches a handler,
 * with a typed error: more bytes than the limit (MessageTooLargeError), bytes that are not a
 * well-formed envelope (MalformedMessageError), a `__proto__`/`constructor`/`prototype` key
 * anywhere (UnsafePayloadError), a payload name or nested class the bundle does not know
 * (UnknownPayloadError), and a damaged payload (SerializationError); it throws nothing else.
 */
export class WireCodec {
  /** The bundle's payload classes. */
  readonly payloads: PayloadRegistry;
  /** The error classes received errors are re-created as. */
  readonly errors: ErrorRegistry;
  /** Whether errors travel with their stack. */
  readonly shareErrorStacks: boolean;
  /** The size limit of one encoded message in bytes. */
  readonly maxMessageBytes: number;
  private readonly sending: SendingNames;
  private readonly replies: ReplyNames;

  constructor(options: WireCodecOptions) {
    this.payloads = options.payloads;
    this.errors = options.errors ?? new ErrorRegistry();
    this.shareErrorStacks = options.shareErrorStacks ?? false;
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!Number.isSafeInteger(this.maxMessageBytes) || this.maxMessageBytes < 256) {
      throw new ConfigurationError(
        `maxMessageBytes must be a whole number of at least 256, got ${String(options.maxMessageBytes)}.`,
      );
    }
    this.sending = new SendingNames(this.payloads);
    this.replies = new ReplyNames(this.payloads);
  }

  /** The request as bytes; throws SerializationError when the payload cannot be encoded, MessageTooLargeError past the limit. */
  encodeRequest(message: CommandMessage | QueryMessage, routing: RequestRouting = {}): Uint8Array {
    const envelope: RequestEnvelope = {
      evento: WIRE_FORMAT_VERSION,
      kind: message instanceof CommandMessage ? 'command' : 'query',
      messageId: message.messageId,
      timestamp: message.timestamp.getTime(),
      deadline: routing.deadline ?? null,
      replyTo: routing.replyTo ?? null,
      payloadName: message.payloadName,
      revision: null,
      metadata: Object.entries(message.metadata.toRecord()),
      payload: this.encodeValue(message.payload, message.payloadName),
    };
    return this.bytes(envelope, `The ${envelope.kind} ${message.payloadName}`);
  }

  /** The request `bytes` hold, its payload revived with this bundle's classes. */
  decodeRequest(bytes: Uint8Array): DecodedRequest {
    const envelope = this.envelope(bytes);
    if (envelope.kind !== 'command' && envelope.kind !== 'query') {
      throw new MalformedMessageError(
        `A ${envelope.kind} arrived where a command or query was expected; the sender mixed up its addresses.`,
        { context: { field: 'kind' } },
      );
    }
    const metadata = new Metadata(Object.fromEntries(envelope.metadata));
    if (metadata.has(MetadataKeys.messageId) && metadata.messageId !== envelope.messageId) {
      throw new MalformedMessageError(
        `The envelope's messageId '${envelope.messageId}' and its metadata's '${metadata.messageId}' differ; the message was damaged.`,
        { context: { field: 'metadata' } },
      );
    }
    const payload = this.payloads.deserialize<object>(envelope.payloadName, envelope.payload);
    const base = envelope.kind === 'command' ? Command : Query;
    if (!(payload instanceof base)) {
      throw new MalformedMessageError(
        `'${envelope.payloadName}' arrived as a ${envelope.kind}, but this bundle's class ${payload.constructor.name} does not extend ${base.name}; ` +
          'the two sides give the name to different classes: give them the same one, or another @PayloadName.',
        { context: { field: 'kind', payloadName: envelope.payloadName } },
      );
    }
    const withId = metadata.has(MetadataKeys.messageId)
      ? metadata
      : metadata.with(MetadataKeys.messageId, envelope.messageId);
    const timestamp = new Date(envelope.timestamp);
    const message =
      envelope.kind === 'command'
        ? new CommandMessage(payload, envelope.payloadName, withId, timestamp)
        : new QueryMessage(payload, envelope.payloadName, withId, timestamp);
    return {
      kind: envelope.kind,
      message,
      deadline: envelope.deadline ?? undefined,
      replyTo: envelope.replyTo ?? undefined,
      revision: envelope.revision ?? undefined,
    };
  }

  /**
   * The answer `result` as bytes. When the result cannot be encoded or is too large, the answer is
   * that error instead (the request was executed: its message says so), so the caller always hears.
   */
  encodeResponse(inReplyTo: string, result: unknown): Uint8Array {
    let payload: string;
    try {
      payload = this.encodeValue(result === undefined ? [] : [result], 'the result');
      const ctor = (result as object | null | undefined)?.constructor;
      const envelope: ResponseEnvelope = {
        evento: WIRE_FORMAT_VERSION,
        messageId: newMessageId(),
        timestamp: Date.now(),
        metadata: [],
        kind: 'response',
        inReplyTo,
        payloadName:
          typeof ctor === 'function' && ctor !== Object ? (this.sending.nameOf(ctor) ?? null) : null,
        revision: null,
        payload,
      };
      return this.bytes(envelope, 'The answer');
    } catch (error) {
      return this.encodeError(inReplyTo, executedButUnanswerable(error));
    }
  }

  /** The handler's error as bytes; its details and stack are left out when they would pass the size limit. */
  encodeError(inReplyTo: string, error: unknown): Uint8Array {
    const data = errorToWire(error, this.sending, this.shareErrorStacks);
    const envelope: ErrorEnvelope = {
      evento: WIRE_FORMAT_VERSION,
      messageId: newMessageId(),
      timestamp: Date.now(),
      metadata: [],
      kind: 'error',
      inReplyTo,
      error: data,
    };
    try {
      return this.bytes(envelope, 'The error');
    } catch {
      const message = `${data.message.slice(0, 2000)} (details, stack and causes left out: they passed the ${this.maxMessageBytes}-byte message limit)`;
      const small = { ...data, message, details: '{}', stack: null, cause: null };
      return this.bytes({ ...envelope, error: small }, 'The error');
    }
  }

  /** The answer `bytes` hold: the result revived with this bundle's classes, or the error re-created. */
  decodeReply(bytes: Uint8Array): DecodedReply {
    const envelope = this.envelope(bytes);
    if (envelope.kind === 'response') {
      const list = reviveJson(envelope.payload, this.replies);
      if (!Array.isArray(list) || list.length > 1) {
        throw new MalformedMessageError(
          "A response's payload must be a JSON list of at most one value; the message was damaged, or not written by evento-ts.",
          { context: { field: 'payload' } },
        );
      }
      return { kind: 'response', inReplyTo: envelope.inReplyTo, result: list[0] };
    }
    if (envelope.kind === 'error') {
      return {
        kind: 'error',
        inReplyTo: envelope.inReplyTo,
        error: errorFromWire(envelope.error, this.errors, this.replies),
      };
    }
    throw new MalformedMessageError(
      `A ${envelope.kind} arrived where an answer was expected; the sender mixed up its addresses.`,
      { context: { field: 'kind' } },
    );
  }

  private encodeValue(value: unknown, what: string): string {
    try {
      return encode(value, this.sending);
    } catch (cause) {
      if (cause instanceof EventoError) throw cause;
      throw new SerializationError(
        `Cannot encode ${what} as JSON: ${String(cause)}; remove cycles, functions and BigInts from it.`,
        { cause },
      );
    }
  }

  private bytes(envelope: Envelope, what: string): Uint8Array {
    const bytes = Buffer.from(JSON.stringify(envelope), 'utf8');
    const size = bytes.length;
    if (size > this.maxMessageBytes) {
      throw new MessageTooLargeError(
        `${what} takes ${size} bytes on the wire, more than the limit of ${this.maxMessageBytes}; ` +
          'send less (page large results, keep payloads small), or raise maxMessageBytes on both sides.',
        { context: { size, limit: this.maxMessageBytes } },
      );
    }
    return bytes;
  }

  private envelope(bytes: Uint8Array): Envelope {
    if (!(bytes instanceof Uint8Array)) {
      throw new MalformedMessageError(`A message must arrive as bytes (a Uint8Array), got ${typeof bytes}.`, {
        context: { field: '$' },
      });
    }
    if (bytes.byteLength > this.maxMessageBytes) {
      throw new MessageTooLargeError(
        `A message of ${bytes.byteLength} bytes arrived, more than the limit of ${this.maxMessageBytes}; it was refused unread. ` +
          'Make the sender send less, or raise maxMessageBytes on both sides.',
        { context: { size: bytes.byteLength, limit: this.maxMessageBytes } },
      );
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch (cause) {
      throw new MalformedMessageError(
        'The message is not valid UTF-8; it was damaged, or not written by evento-ts.',
        {
          cause,
          context: { field: '$' },
        },
      );
    }
    let parsed: unknown;
    try {
      parsed = parseUntagged(text);
    } catch (error) {
      if (error instanceof SerializationError) {
        throw new MalformedMessageError(`The message is not a well-formed envelope: ${error.message}`, {
          cause: error,
          context: { field: '$' },
        });
      }
      throw error;
    }
    return checkEnvelope(parsed);
  }
}

function executedButUnanswerable(error: unknown): Error {
  const reason = error instanceof Error ? error : new Error(String(error));
  const wrapped = new SerializationError(
    `The handler ran (a command took effect), but its answer cannot be sent: ${reason.message}`,
    { cause: reason },
  );
  return error instanceof MessageTooLargeError
    ? new MessageTooLargeError(wrapped.message, { cause: reason, context: error.context })
    : wrapped;
}
