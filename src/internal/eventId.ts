import { v7 } from 'uuid';

/** The shape of an event id: a UUID in lowercase hexadecimal, with hyphens. */
export const EVENT_ID_RULE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A new event id: a UUID version 7 (RFC 9562), whose first 48 bits are the Unix time in
 * milliseconds, so ids sort by creation time; ids made in one process also increase within a
 * millisecond (the `uuid` package keeps a counter).
 */
export function newEventId(): string {
  return v7();
}
