import { ErrorCode } from './codes';
import { EventoError, type EventoErrorOptions } from './eventoError';

/** The bundle builder or a store was given settings that cannot work. */
export class ConfigurationError extends EventoError {
  readonly code = ErrorCode.Configuration;
}

/** One problem found while validating a component; the bundle reports all of them at once. */
export interface ComponentProblem {
  /** The class (or the value given in place of a class). */
  component: string;
  /** The method, when the problem is in a handler. */
  method?: string;
  /** What is wrong. */
  problem: string;
  /** What to change. */
  fix: string;
}

/** Components are declared in a way the framework cannot run; `problems` lists every one found. */
export class ComponentDefinitionError extends EventoError {
  readonly code = ErrorCode.ComponentDefinition;
  /** Every problem found, each with its fix. */
  readonly problems: readonly ComponentProblem[];

  constructor(problems: readonly ComponentProblem[]) {
    const lines = problems.map((p) => {
      const where = p.method === undefined ? p.component : `${p.component}.${p.method}`;
      return `  - ${where}: ${p.problem}; ${p.fix}`;
    });
    super(`${problems.length} problem(s) in the bundle's components:\n${lines.join('\n')}`, {
      context: { problems },
    });
    this.problems = problems;
  }
}

/** Two different classes claim one payload name. */
export class PayloadNameConflictError extends EventoError {
  readonly code = ErrorCode.PayloadNameConflict;
}

/** A stored or received payload names a class that is not registered. */
export class UnknownPayloadError extends EventoError {
  readonly code = ErrorCode.UnknownPayload;
}

/** A payload or state could not be turned into JSON or back. */
export class SerializationError extends EventoError {
  readonly code = ErrorCode.Serialization;
}

/** A public API was called with a value it cannot accept. */
export class InvalidArgumentError extends EventoError {
  readonly code = ErrorCode.InvalidArgument;
}

/** No component of any bound bundle handles this command or query. */
export class NoHandlerError extends EventoError {
  readonly code = ErrorCode.NoHandler;
}

/** A command or query got no answer within its timeout. The handler may still complete. */
export class TimeoutError extends EventoError {
  readonly code = ErrorCode.Timeout;
  override readonly retriable = true;
}

/** A handler returned something the framework cannot use (nothing, or the wrong type). */
export class HandlerReturnError extends EventoError {
  readonly code = ErrorCode.HandlerReturn;
}

/** An append carried a stale expected version: another writer got there first. */
export class ConcurrencyError extends EventoError {
  readonly code = ErrorCode.Concurrency;
  override readonly retriable = true;

  constructor(
    /** The aggregate (or the consumer, for a consumer commit). */
    readonly aggregateId: string,
    /** The version the writer decided on. */
    readonly expectedVersion: number,
    /** The version the store has, when known. */
    readonly actualVersion: number | undefined,
    options: EventoErrorOptions = {},
  ) {
    super(
      `${aggregateId}: expected version ${expectedVersion} but the store has ${actualVersion ?? 'another'}; ` +
        'another writer got there first: reload and decide again (commands and consumers do this themselves).',
      { ...options, context: { aggregateId, expectedVersion, actualVersion, ...options.context } },
    );
  }
}

/** A non-init command reached an aggregate that has no events yet. */
export class AggregateNotInitializedError extends EventoError {
  readonly code = ErrorCode.AggregateNotInitialized;
}

/** An init command reached an aggregate that already has events. */
export class AggregateInitializedError extends EventoError {
  readonly code = ErrorCode.AggregateInitialized;
}

/** A command reached an aggregate whose state is marked deleted. */
export class AggregateDeletedError extends EventoError {
  readonly code = ErrorCode.AggregateDeleted;
}

/** The bundle was used before `start()` or after `stop()`. */
export class BundleStateError extends EventoError {
  readonly code = ErrorCode.BundleState;
}

/** A store could not reach its database; the operation may succeed when retried. */
export class StoreUnavailableError extends EventoError {
  readonly code = ErrorCode.StoreUnavailable;
  override readonly retriable = true;
}

/**
 * Thrown by a consumer's handler to say "try this event again later": the consumer backs off and
 * retries without end, and never moves its offset past the event or sends it to the dead events.
 */
export class TransientConsumerError extends EventoError {
  readonly code = ErrorCode.TransientConsumer;
  override readonly retriable = true;
}

/** A consumer's lease was taken over by another instance; this instance must stop running it. */
export class LeaseLostError extends EventoError {
  readonly code = ErrorCode.LeaseLost;
}

/** No consumer with that id runs in this bundle. */
export class ConsumerNotFoundError extends EventoError {
  readonly code = ErrorCode.ConsumerNotFound;
}

/** No dead event with that consumer id and sequence number. */
export class DeadEventNotFoundError extends EventoError {
  readonly code = ErrorCode.DeadEventNotFound;
}

/**
 * JSON to revive holds a key that would choose an object's prototype or constructor
 * (`__proto__`, `constructor`, `prototype`): refused, whoever wrote it. `context.path` says where.
 */
export class UnsafePayloadError extends EventoError {
  readonly code = ErrorCode.UnsafePayload;
}

/**
 * A stored event cannot be revived (its payload or metadata is damaged, hostile or names an
 * unknown class). `context` names its sequence number, aggregate and version; `cause` says why.
 */
export class UnreadableEventError extends EventoError {
  readonly code = ErrorCode.UnreadableEvent;
}

/** A payload is larger than the database accepts in one statement (MySQL's `max_allowed_packet`). */
export class PayloadTooLargeError extends EventoError {
  readonly code = ErrorCode.PayloadTooLarge;
}

/**
 * A command came with an idempotency key already recorded for a different command (another
 * payload name or other payload fields): it was not executed, and nothing was written.
 * `context` names the key and both commands.
 */
export class IdempotencyKeyConflictError extends EventoError {
  readonly code = ErrorCode.IdempotencyKeyConflict;

  constructor(
    /** The key both commands carried. */
    readonly idempotencyKey: string,
    /** The payload name of the command refused. */
    readonly commandName: string,
    /** The payload name of the command recorded under the key first. */
    readonly recordedCommandName: string,
    options: EventoErrorOptions = {},
  ) {
    const what =
      commandName === recordedCommandName
        ? `another ${recordedCommandName} command (other payload fields)`
        : `a ${recordedCommandName} command`;
    super(
      `Idempotency key ${JSON.stringify(idempotencyKey)} was already used by ${what}, so this ${commandName} ` +
        'was not executed. A key names one command: give each distinct command its own key (send it with ' +
        'a new one), and repeat a command only with the same payload.',
      { ...options, context: { idempotencyKey, commandName, recordedCommandName, ...options.context } },
    );
  }
}

/**
 * A message broker (Kafka) could not be reached, or the connection to it broke. The client
 * reconnects by itself; the call that failed may succeed when tried again.
 */
export class BrokerUnavailableError extends EventoError {
  readonly code = ErrorCode.BrokerUnavailable;
  override readonly retriable = true;
}

/**
 * Bytes received as a message are not a well-formed envelope of the wire format: not UTF-8, not
 * JSON, an unsupported format version, or an envelope field of the wrong type. `context.field`
 * names the field. Nothing in it reached a handler.
 */
export class MalformedMessageError extends EventoError {
  readonly code = ErrorCode.MalformedMessage;
}

/**
 * A message is larger than the wire format's limit (`maxMessageBytes`, default 1 MiB): refused
 * before it is sent, or before it is parsed when received. The message gives both sizes.
 */
export class MessageTooLargeError extends EventoError {
  readonly code = ErrorCode.MessageTooLarge;
}

/** What a remote handler's error carried, as a `RemoteHandlerError` keeps it. */
export interface RemoteHandlerErrorOptions extends EventoErrorOptions {
  /** The error's `name` on the handler's side, e.g. `TodoListNotFoundError`. */
  remoteName?: string;
  /** The error's message on the handler's side. */
  remoteMessage?: string;
  /** The error's `code` on the handler's side, when it had one. */
  remoteCode?: string | undefined;
  /** The error's own fields on the handler's side (revived: Date, Map, Set and known classes survive). */
  details?: Record<string, unknown>;
  /** Whether the handler's side said the call may succeed when tried again. */
  retriable?: boolean;
}

/**
 * A handler on the other side of the message bus threw an error whose class is not registered on
 * this side: it keeps the original name, message, code and own fields. Register the class with
 * `EventoBundleBuilder.registerErrors([...])` on the calling bundle to receive it as its own class.
 */
export class RemoteHandlerError extends EventoError {
  readonly code = ErrorCode.RemoteHandler;
  override readonly retriable: boolean;
  /** The error's `name` on the handler's side. */
  readonly remoteName: string;
  /** The error's message on the handler's side. */
  readonly remoteMessage: string;
  /** The error's `code` on the handler's side, when it had one. */
  readonly remoteCode: string | undefined;
  /** The error's own fields on the handler's side. */
  readonly details: Record<string, unknown>;

  constructor(message: string, options: RemoteHandlerErrorOptions = {}) {
    const { remoteName, remoteMessage, remoteCode, details, retriable, ...base } = options;
    super(message, base);
    this.remoteName = remoteName ?? 'Error';
    this.remoteMessage = remoteMessage ?? message;
    this.remoteCode = remoteCode;
    this.details = details ?? {};
    this.retriable = retriable ?? false;
  }
}

/**
 * A command or query could not be delivered to a handler (the bus is closed, the transport refused
 * it): it was not executed, so sending it again is safe.
 */
export class DeliveryError extends EventoError {
  readonly code = ErrorCode.Delivery;
  override readonly retriable = true;
}

/**
 * A command or query was delivered, but its answer can no longer arrive: the instance handling it
 * went away, or the bus was closed while waiting. The outcome is unknown (a command may have been
 * executed): retry only what is safe to repeat.
 */
export class HandlerLostError extends EventoError {
  readonly code = ErrorCode.HandlerLost;
  override readonly retriable = true;
}
