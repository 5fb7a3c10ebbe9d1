import { CommandIdentity, requireSameCommand } from '../stores/commandRecords';
import type { CommandRecord, EventStore, RecordedCommand } from '../stores/eventStore';
import { publishedEvent } from './eventRecords';
import type { CommandMessage } from './messages';
import { MetadataKeys } from './metadata';
import type { PayloadRegistry } from './payloadRegistry';

/**
 * The idempotency key of `message`: the one in its metadata (set by the gateway: the caller's, or
 * the message id), else its message id; undefined for a message with neither.
 */
export function idempotencyKeyOf(message: CommandMessage): string | undefined {
  const key = message.metadata.get(MetadataKeys.idempotencyKey) || message.messageId;
  return key === '' ? undefined : key;
}

/**
 * The record an append of `message`'s events carries (its fingerprint computed only if read, see
 * CommandIdentity); undefined when the message has no key.
 */
export function commandRecordOf(
  message: CommandMessage,
  payloads: PayloadRegistry,
  resultIsArray: boolean,
): CommandRecord | undefined {
  const idempotencyKey = idempotencyKeyOf(message);
  if (idempotencyKey === undefined) return undefined;
  return new CommandIdentity(
    idempotencyKey,
    message.payloadName,
    payloads.serialize(message.payload),
    resultIsArray,
  );
}

/** What a command handler returned the first time, rebuilt from the events recorded with its key. */
export function recordedResult(
  recorded: Pick<RecordedCommand, 'events' | 'resultIsArray'>,
  payloads: PayloadRegistry,
): unknown {
  const events = recorded.events.map((stored) => publishedEvent(stored, payloads).payload);
  return recorded.resultIsArray ? events : events[0];
}

/**
 * The first execution's result of `message` when the event store has its idempotency key, else
 * undefined. Rejects with IdempotencyKeyConflictError when the key belongs to another command.
 */
export async function recordedResultOf(
  message: CommandMessage,
  deps: { readonly eventStore: EventStore; readonly payloads: PayloadRegistry },
): Promise<{ readonly result: unknown } | undefined> {
  const key = idempotencyKeyOf(message);
  if (key === undefined) return undefined;
  const recorded = await deps.eventStore.findCommand(key);
  if (recorded === undefined) return undefined;
  requireSameCommand(recorded, commandRecordOf(message, deps.payloads, recorded.resultIsArray) ?? recorded);
  return { result: recordedResult(recorded, deps.payloads) };
}
