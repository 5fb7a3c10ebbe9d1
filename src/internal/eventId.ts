import { randomFillSync } from 'node:crypto';

/** The shape of an event id: a UUID in lowercase hexadecimal, with hyphens. */
export const EVENT_ID_RULE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** Random bytes for 409 ids, refilled in one call to the system's source when used up. */
const pool = new Uint8Array(4096);
let poolAt = pool.length;
/** The millisecond of the last id, its text ("xxxxxxxx-xxxx-7"), and the counter within it. */
let lastMs = -1;
let timeText = '';
let counter = 0;

/**
 * A new event id: a UUID version 7 (RFC 9562), whose first 48 bits are the Unix time in
 * milliseconds, so ids sort by creation time. Ids made in one process also increase within a
 * millisecond: the 12 bits after the version are a counter, started at a random value below 2048
 * each millisecond (RFC 9562, section 6.2, method 1); should it run out, the ids go on in the
 * next millisecond. The last 62 bits are random.
 */
export function newEventId(): string {
  if (poolAt + 10 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const at = poolAt;
  poolAt += 10;
  const now = Date.now();
  if (now > lastMs) {
    setMillisecond(now);
    counter = (((pool[at] as number) & 0x07) << 8) | (pool[at + 1] as number);
  } else if (++counter > 0xfff) {
    // A clock that went back, or more than 2048 ids in a millisecond: stay ahead, in order.
    setMillisecond(lastMs + 1);
    counter = 0;
  }
  return (
    timeText +
    (counter >> 8).toString(16) +
    (HEX[counter & 0xff] as string) +
    '-' +
    (HEX[((pool[at + 2] as number) & 0x3f) | 0x80] as string) +
    (HEX[pool[at + 3] as number] as string) +
    '-' +
    (HEX[pool[at + 4] as number] as string) +
    (HEX[pool[at + 5] as number] as string) +
    (HEX[pool[at + 6] as number] as string) +
    (HEX[pool[at + 7] as number] as string) +
    (HEX[pool[at + 8] as number] as string) +
    (HEX[pool[at + 9] as number] as string)
  );
}

function setMillisecond(ms: number): void {
  lastMs = ms;
  const hex = ms.toString(16).padStart(12, '0');
  timeText = `${hex.slice(0, 8)}-${hex.slice(8)}-7`;
}
