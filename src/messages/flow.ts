/**
 * The message a piece of code runs on behalf of, carried through async calls. Gateways read it to
 * give outgoing messages the flow's correlation id and the current message as their cause.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Metadata, MetadataKeys, newMessageId } from './metadata';
import type { Message } from './messages';

const storage = new AsyncLocalStorage<Message>();

/** Runs `fn` as handling `message`: messages sent from inside are caused by it. */
export function runInFlowOf<T>(message: Message, fn: () => T): T {
  return storage.run(message, fn);
}

/** Calls `fn` on `thisArg` with `args` as handling `message`: returns what it returned, or throws what it threw. */
export function applyInFlowOf(
  message: Message,
  fn: (...a: unknown[]) => unknown,
  thisArg: unknown,
  args: unknown[],
): unknown {
  return storage.run(message, () => fn.apply(thisArg, args));
}

/** True when `value` is a promise or another thenable. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** The message being handled by the calling code, if any. */
export function currentMessage(): Message | undefined {
  return storage.getStore();
}

/**
 * Metadata for a new message: the `propagated` keys of the cause (the flow's trace context), the
 * caller's keys over them, a fresh message id, the cause's correlation id (or the new message's
 * own id when it starts a flow) and the cause's id as causation.
 */
export function metadataFor(
  user: Metadata | Readonly<Record<string, string>> | undefined,
  cause?: Message,
  propagated: readonly string[] = [],
): Metadata {
  return new Metadata(Object.freeze(metadataValues(user, cause, propagated)));
}

/** The values of {@link metadataFor}, as a new record the caller may add keys to before freezing it. */
export function metadataValues(
  user: Metadata | Readonly<Record<string, string>> | undefined,
  cause: Message | undefined,
  propagated: readonly string[] = [],
): Record<string, string> {
  const values: Record<string, string> =
    user === undefined ? {} : user instanceof Metadata ? user.toRecord() : { ...user };
  if (cause !== undefined) {
    for (const key of propagated) {
      const value = cause.metadata.get(key);
      if (value !== undefined && !Object.prototype.hasOwnProperty.call(values, key)) values[key] = value;
    }
  }
  return stampMetadata(values, cause);
}

/**
 * Gives `values`, the keys a new message takes over, the framework's own: a fresh message id, the
 * cause's correlation id (or the new message's id when it starts a flow) and the cause's id as
 * causation. Returns `values`.
 */
export function stampMetadata(
  values: Record<string, string>,
  cause: Message | undefined,
): Record<string, string> {
  const messageId = newMessageId();
  values[MetadataKeys.messageId] = messageId;
  values[MetadataKeys.correlationId] =
    cause?.metadata.correlationId || values[MetadataKeys.correlationId] || messageId;
  const causationId = cause?.messageId || values[MetadataKeys.causationId];
  if (causationId) values[MetadataKeys.causationId] = causationId;
  else if (Object.prototype.hasOwnProperty.call(values, MetadataKeys.causationId))
    delete values[MetadataKeys.causationId];
  return values;
}
