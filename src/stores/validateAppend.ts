import { InvalidArgumentError } from '../errors';
import type { AppendRequest } from './eventStore';

/** Rejects an append request no store should accept, before anything is written. */
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
  }
}
