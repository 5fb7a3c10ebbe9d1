import type { IncomingMessage } from './kafkaClient';

/** A consumed message as both supported clients hand it over (their shapes agree). */
export interface ClientMessage {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  timestamp: string;
  headers?: Readonly<Record<string, Buffer | string | readonly (Buffer | string)[] | undefined>>;
}

/** The client's message as an `IncomingMessage`: text key and headers (last value of a repeated key). */
export function toIncoming(topic: string, partition: number, message: ClientMessage): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const last = Array.isArray(value) ? (value as readonly (Buffer | string)[])[value.length - 1] : value;
    if (last !== undefined) headers[name] = typeof last === 'string' ? last : last.toString('utf8');
  }
  return {
    topic,
    partition,
    offset: message.offset,
    nextOffset: nextOffset(message.offset),
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value,
    headers,
    timestamp: message.timestamp,
  };
}

/** The offset after `offset` (a decimal string): in Number arithmetic while it is exact, else BigInt. */
function nextOffset(offset: string): string {
  const n = Number(offset);
  return Number.isSafeInteger(n + 1) ? String(n + 1) : (BigInt(offset) + 1n).toString();
}
