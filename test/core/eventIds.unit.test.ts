import { EVENT_ID_RULE, newEventId } from '../../src/internal/eventId';

/** The Unix milliseconds in the first 48 bits of a UUID v7. */
function millisecondsOf(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

afterEach(() => jest.restoreAllMocks());

describe('event ids', () => {
  it('are lowercase UUIDs of version 7, variant 10, whose first 48 bits are the time in ms', () => {
    const before = Date.now();
    const ids = Array.from({ length: 50 }, () => newEventId());
    const after = Date.now();
    for (const id of ids) {
      expect(id).toMatch(EVENT_ID_RULE);
      expect(id[14]).toBe('7');
      expect(['8', '9', 'a', 'b']).toContain(id[19]);
      expect(millisecondsOf(id)).toBeGreaterThanOrEqual(before);
      expect(millisecondsOf(id)).toBeLessThanOrEqual(after);
    }
  });

  it('increase in the order made, thousands within one millisecond and when the clock goes back', () => {
    // An hour ahead of the ids made so far, so that this millisecond is new.
    const start = Date.now() + 3_600_000;
    const now = jest.spyOn(Date, 'now').mockReturnValue(start);
    const sameMillisecond = Array.from({ length: 5000 }, () => newEventId());
    now.mockReturnValue(start - 10);
    const clockBack = Array.from({ length: 10 }, () => newEventId());
    now.mockReturnValue(start + 50);
    const later = newEventId();
    const ids = [...sameMillisecond, ...clockBack, later];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // Over 2048 ids in a millisecond run into the next one, never back.
    expect(millisecondsOf(sameMillisecond[0] as string)).toBe(start);
    expect(millisecondsOf(clockBack[9] as string)).toBeGreaterThan(start);
    expect(millisecondsOf(later)).toBe(start + 50);
  });

  it('differ in their random bits between ids made apart', () => {
    const randomParts = new Set(Array.from({ length: 1000 }, () => newEventId().slice(19)));
    expect(randomParts.size).toBe(1000);
  });
});
