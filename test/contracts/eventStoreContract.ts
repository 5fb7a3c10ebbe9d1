/**
 * The behaviour every EventStore must have, as jest suites. Each store's test file calls
 * `eventStoreContract` with a factory; the tests never assume an empty store (they use their own
 * aggregate ids and contexts), so suites may share a database and run alongside each other.
 */
import { eventually, rejectionOf, sleep } from '../support/waiting';
import { randomUUID } from 'node:crypto';
import { ConcurrencyError, IdempotencyKeyConflictError, InvalidArgumentError } from '../../src/errors';
import type {
  AppendRequest,
  CommandRecord,
  EventStore,
  EventToAppend,
  StoredEvent,
} from '../../src/stores/eventStore';

/** Makes the store under test; `cleanup` closes it (and may drop its data). */
export type EventStoreFactory = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

/** An event store that can be told to delete its expired idempotency keys now. */
export type CleanableEventStore = EventStore & { cleanUpIdempotencyKeys(): Promise<number> | number };

/** Makes a store under test keeping idempotency keys `retentionMs`. */
export type RetentionFactory = (
  retentionMs: number,
) => Promise<{ store: CleanableEventStore; cleanup: () => Promise<void> }>;

/** A lowercase UUID of version 7. */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** How long a listener may take to hear of an append: database stores notify asynchronously. */
const NOTIFY_TIMEOUT_MS = 2000;

/** Registers the EventStore contract suite for the store `factory` makes (`withRetention`: the same store with a short key retention). */
export function eventStoreContract(
  name: string,
  factory: EventStoreFactory,
  withRetention: RetentionFactory,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ store, cleanup } = await factory());
    });

    afterAll(async () => {
      await cleanup?.();
    });

    /** Appends `count` events to `aggregateId` on top of `expectedVersion`. */
    function appendTo(
      aggregateId: string | null,
      expectedVersion: number,
      count: number,
      overrides: Partial<EventToAppend> = {},
    ): Promise<StoredEvent[]> {
      const events = Array.from({ length: count }, (_, i) =>
        newEvent({ payload: `{"i":${i}}`, ...overrides }),
      );
      return store.append({ aggregateId, expectedVersion, events });
    }

    /** Appends `count` events to `aggregateId` on top of `expectedVersion`, as the outcome of `command`. */
    function appendCommand(
      aggregateId: string | null,
      expectedVersion: number,
      count: number,
      command: CommandRecord,
      overrides: Partial<EventToAppend> = {},
    ): Promise<StoredEvent[]> {
      const events = Array.from({ length: count }, (_, i) =>
        newEvent({ payload: `{"i":${i}}`, ...overrides }),
      );
      return store.append({ aggregateId, expectedVersion, events, command });
    }

    describe('append and readAggregate', () => {
      it('numbers events with increasing sequence numbers and aggregate versions 1..n', async () => {
        const id = newId();
        const first = await appendTo(id, 0, 3);
        const second = await appendTo(id, 3, 2);

        expect(first.map((e) => e.aggregateVersion)).toEqual([1, 2, 3]);
        expect(second.map((e) => e.aggregateVersion)).toEqual([4, 5]);
        expectIncreasing([...first, ...second].map((e) => e.sequenceNumber));
        for (const event of [...first, ...second]) expect(event.aggregateId).toBe(id);
        expect(await store.readAggregate(id)).toEqual([...first, ...second]);
      });

      it('readAggregate returns the events after afterVersion, in version order', async () => {
        const id = newId();
        const events = [...(await appendTo(id, 0, 2)), ...(await appendTo(id, 2, 3))];

        expect(await store.readAggregate(id, 0)).toEqual(events);
        expect(await store.readAggregate(id, 3)).toEqual(events.slice(3));
        expect((await store.readAggregate(id, 3)).map((e) => e.aggregateVersion)).toEqual([4, 5]);
        expect(await store.readAggregate(id, 5)).toEqual([]);
        expect(await store.readAggregate(id, 9)).toEqual([]);
      });

      it('readAggregate of an unknown aggregate is empty', async () => {
        expect(await store.readAggregate(newId())).toEqual([]);
      });
    });

    describe('optimistic concurrency', () => {
      it('rejects a stale or future expectedVersion with ConcurrencyError and writes nothing', async () => {
        const id = newId();
        const written = await appendTo(id, 0, 2);

        for (const expectedVersion of [0, 1, 3]) {
          const error = await rejectionOf(appendTo(id, expectedVersion, 1));
          expect(error).toBeInstanceOf(ConcurrencyError);
          expect(error).toMatchObject({ aggregateId: id, expectedVersion });
        }
        expect(await store.readAggregate(id)).toEqual(written);

        const fresh = newId();
        await expect(appendTo(fresh, 1, 1)).rejects.toBeInstanceOf(ConcurrencyError);
        expect(await store.readAggregate(fresh)).toEqual([]);
      });

      it('of two concurrent appends with the same expectedVersion exactly one wins', async () => {
        for (const startVersion of [0, 0, 0, 2, 2]) {
          const id = newId();
          if (startVersion > 0) await appendTo(id, 0, startVersion);
          const results = await Promise.allSettled([
            appendTo(id, startVersion, 2, { eventName: 'Left' }),
            appendTo(id, startVersion, 3, { eventName: 'Right' }),
          ]);

          const won = results.filter((r) => r.status === 'fulfilled');
          const lost = results.filter((r) => r.status === 'rejected');
          expect(won).toHaveLength(1);
          expect(lost).toHaveLength(1);
          expect(lost[0]?.reason).toBeInstanceOf(ConcurrencyError);
          const winner = won[0]?.value ?? [];
          const stored = await store.readAggregate(id, startVersion);
          expect(stored).toEqual(winner);
          expect(stored.map((e) => e.aggregateVersion)).toEqual(winner.map((_, i) => startVersion + i + 1));
        }
      });
    });

    describe('validation', () => {
      it('writes nothing of a batch that holds an invalid event', async () => {
        const id = newId();
        const request: AppendRequest = {
          aggregateId: id,
          expectedVersion: 0,
          events: [newEvent(), newEvent({ eventName: '' })],
        };

        await expect(store.append(request)).rejects.toBeInstanceOf(InvalidArgumentError);
        expect(await store.readAggregate(id)).toEqual([]);
        // The aggregate is still at version 0.
        expect((await appendTo(id, 0, 1))[0]?.aggregateVersion).toBe(1);
      });

      it('rejects an empty batch', async () => {
        const id = newId();
        await expect(
          store.append({ aggregateId: id, expectedVersion: 0, events: [] }),
        ).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(
          store.append({ aggregateId: null, expectedVersion: 0, events: [] }),
        ).rejects.toBeInstanceOf(InvalidArgumentError);
        expect(await store.readAggregate(id)).toEqual([]);
      });

      it('rejects an empty aggregate id and a negative expectedVersion', async () => {
        await expect(appendTo('', 0, 1)).rejects.toBeInstanceOf(InvalidArgumentError);
        const id = newId();
        await expect(appendTo(id, -1, 1)).rejects.toBeInstanceOf(InvalidArgumentError);
        expect(await store.readAggregate(id)).toEqual([]);
      });
    });

    describe('service events', () => {
      it('appends events without an aggregate and without a version check', async () => {
        const context = newContext();
        const first = await appendTo(null, 0, 2, { context });
        const second = await appendTo(null, 0, 1, { context });
        const third = await appendTo(null, 42, 1, { context });
        const all = [...first, ...second, ...third];

        for (const event of all) {
          expect(event.aggregateId).toBeNull();
          expect(event.aggregateVersion).toBeNull();
        }
        expectIncreasing(all.map((e) => e.sequenceNumber));
        const read = await store.readStream({ after: firstSeq(all) - 1, limit: 100, contexts: [context] });
        expect(read).toEqual(all);
      });
    });

    describe('readStream', () => {
      it('pages through the stream in sequence order with after and limit', async () => {
        const context = newContext();
        const a = newId();
        const appended = [
          ...(await appendTo(a, 0, 3, { context })),
          ...(await appendTo(null, 0, 2, { context })),
          ...(await appendTo(a, 3, 2, { context })),
        ];

        const pages: StoredEvent[][] = [];
        let after = firstSeq(appended) - 1;
        for (;;) {
          const page = await store.readStream({ after, limit: 3, contexts: [context] });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(3);
          expect(page[0]?.sequenceNumber).toBeGreaterThan(after);
          pages.push(page);
          after = lastSeq(page);
        }

        expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
        expect(pages.flat()).toEqual(appended);
      });

      it('without a context filter returns every context, in order', async () => {
        const [ctxA, ctxB] = [newContext(), newContext()];
        const appended = [
          ...(await appendTo(newId(), 0, 2, { context: ctxA })),
          ...(await appendTo(newId(), 0, 2, { context: ctxB })),
          ...(await appendTo(null, 0, 1, { context: ctxA })),
        ];
        const ours = new Set(appended.map((e) => e.sequenceNumber));

        const seen: StoredEvent[] = [];
        let after = firstSeq(appended) - 1;
        while (after < lastSeq(appended)) {
          const page = await store.readStream({ after, limit: 2 });
          expect(page.length).toBeGreaterThan(0);
          expect(page.length).toBeLessThanOrEqual(2);
          expectIncreasing([after, ...page.map((e) => e.sequenceNumber)]);
          seen.push(...page);
          after = lastSeq(page);
        }

        expect(seen.filter((e) => ours.has(e.sequenceNumber))).toEqual(appended);
      });

      it('filters by context; "*", an empty list and undefined select every context', async () => {
        const [ctxA, ctxB, ctxC] = [newContext(), newContext(), newContext()];
        const a = await appendTo(newId(), 0, 2, { context: ctxA });
        const b = await appendTo(newId(), 0, 1, { context: ctxB });
        const c = await appendTo(null, 0, 2, { context: ctxC });
        const all = [...a, ...b, ...c];
        const after = firstSeq(all) - 1;
        const ours = new Set(all.map((e) => e.sequenceNumber));
        const read = async (contexts: readonly string[] | undefined): Promise<StoredEvent[]> =>
          (await store.readStream({ after, limit: 1000, contexts })).filter((e) =>
            ours.has(e.sequenceNumber),
          );

        expect(await read([ctxA])).toEqual(a);
        expect(await read([ctxB])).toEqual(b);
        expect(await read([ctxA, ctxC])).toEqual([...a, ...c]);
        expect(await read([newContext()])).toEqual([]);
        expect(await read(['*'])).toEqual(all);
        expect(await read([ctxA, '*'])).toEqual(all);
        expect(await read([])).toEqual(all);
        expect(await read(undefined)).toEqual(all);
      });

      it('applies the limit to the events of the wanted contexts', async () => {
        const [ctxA, ctxB] = [newContext(), newContext()];
        const appended: StoredEvent[] = [];
        for (const context of [ctxA, ctxB, ctxB, ctxA, ctxB, ctxA]) {
          appended.push(...(await appendTo(null, 0, 1, { context })));
        }
        const inA = appended.filter((e) => e.context === ctxA);

        const page = await store.readStream({ after: firstSeq(appended) - 1, limit: 2, contexts: [ctxA] });
        expect(page).toEqual(inA.slice(0, 2));
      });

      it('returns nothing after the head', async () => {
        const [event] = await appendTo(newId(), 0, 1);
        const head = await store.headSequence();
        expect(head).toBeGreaterThanOrEqual(event?.sequenceNumber ?? Infinity);
        expect(await store.readStream({ after: head + 1_000_000, limit: 10 })).toEqual([]);
      });
    });

    describe('headSequence', () => {
      it('is the sequence number of the newest readable event, at least the last one appended', async () => {
        const first = await appendTo(newId(), 0, 2);
        const headAfterFirst = await store.headSequence();
        expect(headAfterFirst).toBeGreaterThanOrEqual(lastSeq(first));

        const second = await appendTo(newId(), 0, 1);
        const head = await store.headSequence();
        expect(head).toBeGreaterThanOrEqual(lastSeq(second));
        expect(head).toBeGreaterThan(headAfterFirst);

        const [newest] = await store.readStream({ after: head - 1, limit: 1 });
        expect(newest?.sequenceNumber).toBe(head);
      });
    });

    describe('round trip', () => {
      it('keeps eventName, context, payload, metadata and createdAt exactly', async () => {
        const id = newId();
        const context = newContext();
        const original = newEvent({
          eventName: 'Ünïcode.Event_v2',
          context,
          // Key order and spacing must survive: the payload is a string, not a JSON value.
          payload: '{"z":1,  "a":[1,2.5,{"c":"é ✓ \\" \\n 😀"}], "n":null,"t":true}',
          metadata: { correlationId: randomUUID(), empty: '', 'weird key.$': 'ünï 😀 "quoted"' },
          createdAt: new Date(Date.UTC(2023, 10, 14, 22, 13, 20, 123)),
        });
        const [returned] = await store.append({ aggregateId: id, expectedVersion: 0, events: [original] });
        const [fromAggregate] = await store.readAggregate(id);
        const [fromStream] = await store.readStream({
          after: (returned?.sequenceNumber ?? 1) - 1,
          limit: 1,
          contexts: [context],
        });

        for (const event of [returned, fromAggregate, fromStream]) {
          expect(event).toBeDefined();
          expect(event?.eventName).toBe(original.eventName);
          expect(event?.context).toBe(context);
          expect(event?.payload).toBe(original.payload);
          expect(event?.metadata).toEqual(original.metadata);
          expect(event?.createdAt).toBeInstanceOf(Date);
          expect(event?.createdAt.getTime()).toBe(original.createdAt.getTime());
          expect(event?.aggregateId).toBe(id);
          expect(event?.aggregateVersion).toBe(1);
          expect(event?.sequenceNumber).toBe(returned?.sequenceNumber);
        }
      });

      it('keeps empty metadata empty', async () => {
        const id = newId();
        await appendTo(id, 0, 1, { metadata: {} });
        expect((await store.readAggregate(id))[0]?.metadata).toEqual({});
      });
    });

    describe('idempotency keys', () => {
      it('records the key with the events; findCommand gives the command and its events as stored', async () => {
        const command = newCommand();
        const id = newId();
        const stored = await appendCommand(id, 0, 2, command);

        const found = await store.findCommand(command.idempotencyKey);
        expect(found).toMatchObject({ ...command, events: stored });
        expect(found?.recordedAt).toBeInstanceOf(Date);
        expect(await store.findCommand(`key-${randomUUID()}`)).toBeUndefined();
      });

      it('an append with a recorded key writes nothing and resolves to the first events, whatever its version says', async () => {
        for (const aggregateId of [newId(), null]) {
          const context = newContext();
          const command = newCommand();
          const first = await appendCommand(aggregateId, 0, 2, command, { context });

          // The same command delivered again: decided on the version the first one left, or on the old one.
          for (const expectedVersion of [0, 2]) {
            const again = await appendCommand(aggregateId, expectedVersion, 3, command, { context });
            expect(again).toEqual(first);
          }
          const after = firstSeq(first) - 1;
          expect(await store.readStream({ after, limit: 100, contexts: [context] })).toEqual(first);
          if (aggregateId !== null) expect(await store.readAggregate(aggregateId)).toEqual(first);
        }
      });

      it('another command under a recorded key is IdempotencyKeyConflictError naming the key; nothing is written', async () => {
        const command = newCommand();
        const id = newId();
        const first = await appendCommand(id, 0, 1, command);

        const other = { ...command, commandName: 'OtherCommand', fingerprint: `fp-${randomUUID()}` };
        const error = await rejectionOf(appendCommand(id, 1, 1, other));
        expect(error).toBeInstanceOf(IdempotencyKeyConflictError);
        expect(error).toMatchObject({
          idempotencyKey: command.idempotencyKey,
          commandName: 'OtherCommand',
          recordedCommandName: command.commandName,
        });
        expect((error as Error).message).toContain(JSON.stringify(command.idempotencyKey));
        expect(await store.readAggregate(id)).toEqual(first);
        expect((await store.findCommand(command.idempotencyKey))?.fingerprint).toBe(command.fingerprint);
      });

      it('of concurrent appends with one key exactly one writes, and all resolve to its events', async () => {
        for (let round = 0; round < 5; round++) {
          const command = newCommand();
          const context = newContext();
          // Different aggregates (and the service stream), so no version check decides: only the key.
          const targets = [newId(), newId(), null, null];
          const results = await Promise.all(
            targets.map((aggregateId) => appendCommand(aggregateId, 0, 2, command, { context })),
          );

          const written = await store.readStream({ after: 0, limit: 100, contexts: [context] });
          expect(written).toHaveLength(2);
          for (const result of results) expect(result).toEqual(written);
          expect((await store.findCommand(command.idempotencyKey))?.events).toEqual(written);
        }
      });

      it('an append that fails records no key', async () => {
        const command = newCommand();
        const id = newId();
        await appendTo(id, 0, 1);

        await expect(appendCommand(id, 0, 1, command)).rejects.toBeInstanceOf(ConcurrencyError);
        expect(await store.findCommand(command.idempotencyKey)).toBeUndefined();
        const stored = await appendCommand(id, 1, 1, command);
        expect(stored.map((e) => e.aggregateVersion)).toEqual([2]);
      });

      it('rejects an empty or overlong key before writing', async () => {
        const id = newId();
        for (const idempotencyKey of ['', 'k'.repeat(256)]) {
          const error = await rejectionOf(appendCommand(id, 0, 1, { ...newCommand(), idempotencyKey }));
          expect(error).toBeInstanceOf(InvalidArgumentError);
        }
        expect(await store.readAggregate(id)).toEqual([]);
        const longest = { ...newCommand(), idempotencyKey: `${'k'.repeat(250)}${randomUUID().slice(0, 5)}` };
        await appendCommand(id, 0, 1, longest);
        expect((await store.findCommand(longest.idempotencyKey))?.events).toHaveLength(1);
      });
    });

    describe('event ids', () => {
      it('gives every event a unique UUID v7, the same from append and from every read', async () => {
        const id = newId();
        const context = newContext();
        const stored = [
          ...(await appendTo(id, 0, 3, { context })),
          ...(await appendTo(null, 0, 2, { context })),
        ];

        for (const event of stored) expect(event.eventId).toMatch(UUID_V7);
        expect(new Set(stored.map((e) => e.eventId)).size).toBe(stored.length);
        const fromStream = await store.readStream({
          after: firstSeq(stored) - 1,
          limit: 10,
          contexts: [context],
        });
        expect(fromStream.map((e) => e.eventId)).toEqual(stored.map((e) => e.eventId));
        expect((await store.readAggregate(id)).map((e) => e.eventId)).toEqual(
          stored.slice(0, 3).map((e) => e.eventId),
        );
      });

      it('keeps the event ids it is given', async () => {
        const id = newId();
        const ids = ['01890a5d-ac96-774b-bcce-b302099a8057', randomUUID()];
        const stored = await store.append({
          aggregateId: id,
          expectedVersion: 0,
          events: ids.map((eventId) => newEvent({ eventId })),
        });
        expect(stored.map((e) => e.eventId)).toEqual(ids);
        expect((await store.readAggregate(id)).map((e) => e.eventId)).toEqual(ids);
      });

      it('rejects an event id that is not a lowercase UUID', async () => {
        const id = newId();
        const error = await rejectionOf(
          store.append({
            aggregateId: id,
            expectedVersion: 0,
            events: [newEvent({ eventId: 'not-a-uuid' })],
          }),
        );
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(await store.readAggregate(id)).toEqual([]);
      });
    });

    describe('snapshots', () => {
      it('saves and loads a snapshot; an aggregate without one has none', async () => {
        const id = newId();
        const snapshot = {
          aggregateId: id,
          aggregateVersion: 3,
          stateName: 'OrderState',
          state: '{"b":2, "a":"é"}',
          createdAt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
        };
        await store.saveSnapshot(snapshot);

        const loaded = await store.loadSnapshot(id);
        expect(loaded).toEqual(snapshot);
        expect(loaded?.createdAt).toBeInstanceOf(Date);
        expect(await store.loadSnapshot(newId())).toBeUndefined();
      });

      it('a newer version replaces an older one; an older one never replaces a newer one', async () => {
        const id = newId();
        const at = (aggregateVersion: number) => ({
          aggregateId: id,
          aggregateVersion,
          stateName: 'OrderState',
          state: `{"version":${aggregateVersion}}`,
          createdAt: new Date(1_700_000_000_000 + aggregateVersion),
        });

        await store.saveSnapshot(at(3));
        await store.saveSnapshot(at(5));
        expect(await store.loadSnapshot(id)).toEqual(at(5));
        await store.saveSnapshot(at(4));
        expect(await store.loadSnapshot(id)).toEqual(at(5));
        await store.saveSnapshot(at(1));
        expect(await store.loadSnapshot(id)).toEqual(at(5));
      });
    });

    describe('onAppend', () => {
      it('calls the listener after an append, and no more once unsubscribed', async () => {
        let calls = 0;
        const unsubscribe = store.onAppend(() => calls++);
        await appendTo(newId(), 0, 1);
        await eventually(() => calls > 0, NOTIFY_TIMEOUT_MS);

        unsubscribe();
        // Let notifications of earlier appends arrive before counting.
        await sleep(200);
        const callsAtUnsubscribe = calls;
        let probeCalls = 0;
        const unsubscribeProbe = store.onAppend(() => probeCalls++);
        try {
          await appendTo(newId(), 0, 1);
          await eventually(() => probeCalls > 0, NOTIFY_TIMEOUT_MS);
          await sleep(200);
          expect(calls).toBe(callsAtUnsubscribe);
        } finally {
          unsubscribeProbe();
        }
      });

      it('a listener that throws fails neither the append nor the other listeners', async () => {
        let calls = 0;
        const unsubscribeThrowing = store.onAppend(() => {
          throw new Error('listener failure');
        });
        const unsubscribe = store.onAppend(() => calls++);
        try {
          const id = newId();
          await expect(appendTo(id, 0, 1)).resolves.toHaveLength(1);
          await eventually(() => calls > 0, NOTIFY_TIMEOUT_MS);
          expect(await store.readAggregate(id)).toHaveLength(1);
        } finally {
          unsubscribeThrowing();
          unsubscribe();
        }
      });
    });

    describe('idempotency key retention', () => {
      const RETENTION_MS = 400;
      let short: Awaited<ReturnType<RetentionFactory>>;

      beforeAll(async () => {
        short = await withRetention(RETENTION_MS);
      });

      afterAll(async () => {
        await short?.cleanup();
      });

      const appendWith = (s: EventStore, command: CommandRecord): Promise<StoredEvent[]> =>
        s.append({ aggregateId: null, expectedVersion: 0, events: [newEvent()], command });

      it('cleanUpIdempotencyKeys deletes the keys older than the retention and keeps the others', async () => {
        const old = newCommand();
        const first = await appendWith(short.store, old);
        await sleep(RETENTION_MS + 200);
        const recent = newCommand();
        await appendWith(short.store, recent);

        // (The in-memory store has already dropped it during the last append.)
        await short.store.cleanUpIdempotencyKeys();
        expect(await short.store.findCommand(old.idempotencyKey)).toBeUndefined();
        expect(await short.store.findCommand(recent.idempotencyKey)).toBeDefined();
        // A forgotten key is a new command again.
        const again = await appendWith(short.store, old);
        expect(again[0]?.sequenceNumber).toBeGreaterThan(firstSeq(first));
      });

      it('appends delete expired keys by themselves', async () => {
        const old = newCommand();
        await appendWith(short.store, old);
        await sleep(RETENTION_MS + 200);
        await appendWith(short.store, newCommand());
        await eventually(async () => (await short.store.findCommand(old.idempotencyKey)) === undefined, 5000);
      });
    });

    describe('concurrency', () => {
      it('a reader following the stream sees every event of 8 concurrent writers once, in order', async () => {
        const writers = 8;
        const batchesPerWriter = 50;
        const context = newContext();
        const shared = [newId(), newId()];
        const owned = Array.from({ length: writers }, () => newId());
        const appended: number[] = [];
        let expectedEvents = 0;
        const seen: number[] = [];
        let writing = true;

        const writer = async (w: number): Promise<void> => {
          const own = owned[w] as string;
          const versions = new Map<string, number>();
          for (let b = 0; b < batchesPerWriter; b++) {
            const aggregateId = b % 2 === 0 ? own : (shared[(w + b) % shared.length] as string);
            const count = 1 + ((w + b) % 3);
            expectedEvents += count;
            for (let attempt = 0; ; attempt++) {
              const version = versions.get(aggregateId) ?? 0;
              try {
                const stored = await appendTo(aggregateId, version, count, { context });
                appended.push(...stored.map((e) => e.sequenceNumber));
                versions.set(aggregateId, version + count);
                break;
              } catch (error) {
                if (!(error instanceof ConcurrencyError) || attempt > 1000) throw error;
                const newer = await store.readAggregate(aggregateId, version);
                versions.set(aggregateId, version + newer.length);
                // The winning write may not be readable yet: give it a moment instead of spinning.
                if (newer.length === 0) await sleep(1);
              }
            }
          }
        };

        const reader = async (from: number): Promise<void> => {
          let offset = from;
          const deadline = Date.now() + 60_000;
          for (;;) {
            const done = !writing;
            const page = await store.readStream({ after: offset, limit: 100, contexts: [context] });
            for (const event of page) {
              if (event.sequenceNumber <= offset) {
                throw new Error(`readStream after ${offset} returned ${event.sequenceNumber}`);
              }
              seen.push(event.sequenceNumber);
              offset = event.sequenceNumber;
            }
            // Stop only on an empty read begun after every writer was done.
            if (done && page.length === 0) return;
            if (Date.now() > deadline) throw new Error('the reader did not catch up within 60 s');
            if (page.length === 0) await sleep(2);
          }
        };

        const start = await store.headSequence();
        const reading = reader(start);
        try {
          await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
        } finally {
          writing = false;
        }
        await reading;

        expectIncreasing(seen);
        expect(seen).toEqual([...appended].sort((x, y) => x - y));
        expect(appended).toHaveLength(expectedEvents);
        for (const id of [...shared, ...owned]) {
          const events = await store.readAggregate(id);
          expect(events.map((e) => e.aggregateVersion)).toEqual(events.map((_, i) => i + 1));
        }
      }, 120_000);
    });
  });
}

/** An event with sensible defaults: a millisecond-precise createdAt, default context. */
function newEvent(overrides: Partial<EventToAppend> = {}): EventToAppend {
  return {
    eventName: 'ThingHappened',
    context: 'default',
    payload: '{"n":1}',
    metadata: { source: 'contract' },
    createdAt: new Date(1_700_000_000_123),
    ...overrides,
  };
}

/** A command record with a fresh key and fingerprint. */
function newCommand(): CommandRecord {
  return {
    idempotencyKey: `key-${randomUUID()}`,
    commandName: 'DoThing',
    fingerprint: `fp-${randomUUID()}`,
    resultIsArray: true,
  };
}

function newId(): string {
  return `agg-${randomUUID()}`;
}

function newContext(): string {
  return `ctx-${randomUUID()}`;
}

function firstSeq(events: readonly StoredEvent[]): number {
  const first = events[0];
  if (first === undefined) throw new Error('expected at least one event');
  return first.sequenceNumber;
}

function lastSeq(events: readonly StoredEvent[]): number {
  const last = events[events.length - 1];
  if (last === undefined) throw new Error('expected at least one event');
  return last.sequenceNumber;
}

function expectIncreasing(numbers: readonly number[]): void {
  for (let i = 1; i < numbers.length; i++) {
    expect(numbers[i]).toBeGreaterThan(numbers[i - 1] as number);
  }
}
