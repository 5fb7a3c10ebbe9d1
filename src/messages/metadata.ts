import { randomUUID } from 'node:crypto';
import { frozenRecord } from '../internal/frozen';
import { defineOwn } from '../internal/ownProperty';

/** Keys the framework sets on every message. */
export const MetadataKeys = {
  /** The message's own id. */
  messageId: 'messageId',
  /** The id shared by every message of one flow. */
  correlationId: 'correlationId',
  /** The id of the message whose handling sent this one. */
  causationId: 'causationId',
  /**
   * A command's idempotency key: its message id unless the sender chose one
   * (`SendOptions.idempotencyKey`). The event store records it with the command's events, and a
   * command delivered again with a recorded key takes no effect again (see docs/idempotency.md).
   */
  idempotencyKey: 'idempotencyKey',
} as const;

/**
 * The metadata keys a message sent while handling another takes over from it, unless the
 * builder's `setPropagatedMetadataKeys` says otherwise: the flow's correlation id and the W3C
 * and Sentry trace context keys.
 */
export const defaultPropagatedMetadataKeys: readonly string[] = Object.freeze([
  MetadataKeys.correlationId,
  'traceparent',
  'tracestate',
  'baggage',
  'sentry-trace',
]);

/**
 * A message's string map. The framework sets the message id, the correlation id (the same for a
 * whole flow) and the causation id (the message that caused this one); the rest is yours.
 * Instances are immutable: `with()` returns a copy.
 */
export class Metadata {
  private readonly values: Readonly<Record<string, string>>;

  constructor(values: Readonly<Record<string, string>> = {}) {
    // A frozen plain record (as the stores hand out) cannot change under us: no copy needed.
    this.values = frozenRecord(values);
  }

  /** Takes a Metadata as it is, or wraps a record (undefined: empty). */
  static from(value: Metadata | Readonly<Record<string, string>> | undefined): Metadata {
    if (value instanceof Metadata) return value;
    return new Metadata(value ?? {});
  }

  /** The value under `key`, or undefined. */
  get(key: string): string | undefined {
    return this.values[key];
  }

  /** True when `key` is set, even to an empty string. */
  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.values, key);
  }

  /** A copy with `key` set to `value`, or with every entry of a record added; this one is left as it is. */
  with(keyOrValues: string | Readonly<Record<string, string>>, value?: string): Metadata {
    // Frozen here, the new record is taken as it is (not copied again).
    if (typeof keyOrValues === 'string')
      return new Metadata(Object.freeze({ ...this.values, [keyOrValues]: value ?? '' }));
    return new Metadata(Object.freeze({ ...this.values, ...keyOrValues }));
  }

  /** This message's own id, a fresh UUID per message; empty on metadata not yet given to a message. */
  get messageId(): string {
    return this.values[MetadataKeys.messageId] ?? '';
  }

  /** The flow's id: the first message of a flow (a command sent from outside any handler, or from an `@InvocationHandler`) takes its own message id, and every message caused by it, directly or not, carries the same one. Empty on metadata not yet given to a message. */
  get correlationId(): string {
    return this.values[MetadataKeys.correlationId] ?? '';
  }

  /** The message id of the message whose handler sent or produced this one; undefined on the first message of a flow. */
  get causationId(): string | undefined {
    return this.values[MetadataKeys.causationId];
  }

  /** A plain copy of every key, the framework's included. */
  toRecord(): Record<string, string> {
    return { ...this.values };
  }

  /** A plain copy of every key but `left`. */
  toRecordWithout(left: readonly string[]): Record<string, string> {
    const copy: Record<string, string> = {};
    for (const key of Object.keys(this.values)) {
      if (left.includes(key)) continue;
      const value = this.values[key] as string;
      // An own `__proto__` key stays an own key (an assignment would set the copy's prototype),
      // so that the stores still refuse it by name.
      if (key === '__proto__') defineOwn(copy, key, value);
      else copy[key] = value;
    }
    return copy;
  }

  /** The same as `toRecord()`: metadata serializes as a plain record. */
  toJSON(): Record<string, string> {
    return this.toRecord();
  }
}

/** A fresh message id. */
export function newMessageId(): string {
  return randomUUID();
}
