import { randomUUID } from 'node:crypto';

/** Keys the framework sets on every message. */
export const MetadataKeys = {
  messageId: 'messageId',
  correlationId: 'correlationId',
  causationId: 'causationId',
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
    this.values =
      Object.isFrozen(values) && Object.getPrototypeOf(values) === Object.prototype
        ? values
        : Object.freeze({ ...values });
  }

  static from(value: Metadata | Readonly<Record<string, string>> | undefined): Metadata {
    if (value instanceof Metadata) return value;
    return new Metadata(value ?? {});
  }

  get(key: string): string | undefined {
    return this.values[key];
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.values, key);
  }

  with(keyOrValues: string | Readonly<Record<string, string>>, value?: string): Metadata {
    if (typeof keyOrValues === 'string') return new Metadata({ ...this.values, [keyOrValues]: value ?? '' });
    return new Metadata({ ...this.values, ...keyOrValues });
  }

  get messageId(): string {
    return this.values[MetadataKeys.messageId] ?? '';
  }

  get correlationId(): string {
    return this.values[MetadataKeys.correlationId] ?? '';
  }

  get causationId(): string | undefined {
    return this.values[MetadataKeys.causationId];
  }

  toRecord(): Record<string, string> {
    return { ...this.values };
  }

  toJSON(): Record<string, string> {
    return this.toRecord();
  }
}

/** A fresh message id. */
export function newMessageId(): string {
  return randomUUID();
}
