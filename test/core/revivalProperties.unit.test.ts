/**
 * Properties of payload revival from stored JSON, over random and mutated documents: revival
 * never pollutes a prototype, always ends in an instance of the named class (nested values plain
 * data, Date/Map/Set or registered classes) or a typed error, and a consumer's handler only ever
 * gets instances of its class, the rest going to the dead events as unreadable.
 */
import fc from 'fast-check';
import {
  DomainEvent,
  ErrorCode,
  EventHandler,
  EventoBundle,
  EventoError,
  InMemoryEventStore,
  PayloadRegistry,
  Projector,
} from '../../src';

class Line {
  constructor(
    readonly sku: string,
    readonly qty: number,
  ) {}
}

class Deposited extends DomainEvent {
  constructor(
    readonly accountId: string,
    readonly amount: number,
    readonly at: Date,
    readonly lines: Line[],
    readonly tags: Set<string>,
    readonly notes: Map<string, number>,
  ) {
    super();
  }
}

const TYPED = new Set<string>([ErrorCode.UnsafePayload, ErrorCode.Serialization, ErrorCode.UnknownPayload]);
const ALLOWED_PROTOTYPES = new Set<unknown>([
  Object.prototype,
  Array.prototype,
  Date.prototype,
  Map.prototype,
  Set.prototype,
  Line.prototype,
  Deposited.prototype,
]);
const WATCHED = [
  Object.prototype,
  Array.prototype,
  Date.prototype,
  Map.prototype,
  Set.prototype,
  Function.prototype,
  Line.prototype,
  Deposited.prototype,
  DomainEvent.prototype,
];

function registry(): PayloadRegistry {
  const payloads = new PayloadRegistry();
  payloads.register(Deposited);
  payloads.register(Line);
  return payloads;
}

/** What each watched prototype owns, to compare before and after. */
function prototypeShapes(): string[][] {
  return WATCHED.map((proto) => [
    ...Reflect.ownKeys(proto).map(String),
    String(Object.getPrototypeOf(proto) === null ? 'null' : 'linked'),
  ]);
}

/** Every object reachable from `value` has an allowed prototype and no refused own key. */
function onlySafeObjects(value: unknown, seen = new Set<unknown>()): boolean {
  if (value === null || typeof value !== 'object' || seen.has(value)) return true;
  seen.add(value);
  if (!ALLOWED_PROTOTYPES.has(Object.getPrototypeOf(value))) return false;
  const keys = Object.getOwnPropertyNames(value);
  if (keys.some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype')) return false;
  const children =
    value instanceof Map
      ? [...value.keys(), ...value.values()]
      : value instanceof Set
        ? [...value]
        : keys.map((k) => (value as Record<string, unknown>)[k]);
  return children.every((child) => onlySafeObjects(child, seen));
}

const valid = fc
  .record({
    accountId: fc.string(),
    amount: fc.integer(),
    at: fc.date({ noInvalidDate: true }),
    lines: fc.array(fc.record({ sku: fc.string(), qty: fc.nat() }), { maxLength: 3 }),
    tags: fc.array(fc.string(), { maxLength: 3 }),
    notes: fc.array(fc.tuple(fc.string(), fc.integer()), { maxLength: 3 }),
  })
  .map(
    (r) =>
      new Deposited(
        r.accountId,
        r.amount,
        r.at,
        r.lines.map((l) => new Line(l.sku, l.qty)),
        new Set(r.tags),
        new Map(r.notes),
      ),
  );

const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '$type', '$date', '$map', '$set');
const tagged = fc.oneof(
  fc.record({ $type: fc.constantFrom('Line', 'Deposited', 'Evil', 'Object', '__proto__') }),
  fc.record({ $date: fc.oneof(fc.string(), fc.constant('2020-01-01T00:00:00.000Z'), fc.integer()) }),
  fc.record({ $map: fc.oneof(fc.jsonValue(), fc.constant([['k', 1]])) }),
  fc.record({ $set: fc.oneof(fc.jsonValue(), fc.constant([1, 2])) }),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue(), tagged, fc.constant(null));

/** Applies `edits` to a parsed document: set a (hostile) key somewhere, or replace a value. */
function mutate(document: unknown, edits: readonly [number, string, unknown][]): unknown {
  const containers: Record<string, unknown>[] = [];
  const collect = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    containers.push(value as Record<string, unknown>);
    for (const child of Object.values(value)) collect(child);
  };
  collect(document);
  for (const [at, key, value] of edits) {
    const target = containers[at % Math.max(1, containers.length)];
    // fc.string() yields 'length' among its dangerous strings, and an array's length cannot be
    // redefined (a TypeError thrown while generating, which fast-check reports with no seed); no
    // JSON text holds a named key on an array anyway, so the edit is skipped.
    if (target === undefined || (Array.isArray(target) && key === 'length')) continue;
    // defineProperty, as JSON.parse does: `target[key] =` would set the prototype for __proto__.
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return document;
}

const edit = fc.tuple(fc.nat(), fc.oneof(hostileKey, fc.string()), anyValue);

/** Documents to revive: valid payloads mutated, random JSON, and mangled text. */
const documents = fc.oneof(
  fc
    .tuple(valid, fc.array(edit, { maxLength: 4 }))
    .map(([event, edits]) => JSON.stringify(mutate(JSON.parse(registry().serialize(event)), edits))),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .tuple(fc.jsonValue(), fc.array(edit, { minLength: 1, maxLength: 4 }))
    .map(([v, edits]) => JSON.stringify(mutate(v, edits))),
  fc.tuple(valid, fc.nat(), fc.string()).map(([event, at, junk]) => {
    const text = registry().serialize(event);
    const cut = at % (text.length + 1);
    return text.slice(0, cut) + junk + text.slice(cut);
  }),
);

describe('payload revival properties', () => {
  it("skips an edit an array cannot take, its 'length' (fast-check seed 5 of the property below)", () => {
    expect(JSON.stringify(mutate(['h'], [[14, 'length', null]]))).toBe('["h"]');
    expect(JSON.stringify(mutate([{ a: 1 }], [[1, 'length', 2]]))).toBe('[{"a":1,"length":2}]');
  });

  it('ends in an instance of the named class made only of safe objects, or a typed error, and pollutes no prototype', () => {
    const shapes = prototypeShapes();
    fc.assert(
      fc.property(documents, (json) => {
        let revived: unknown;
        try {
          revived = registry().deserialize('Deposited', json);
        } catch (error) {
          expect(error).toBeInstanceOf(EventoError);
          expect(TYPED.has((error as EventoError).code)).toBe(true);
          expect(prototypeShapes()).toEqual(shapes);
          return;
        }
        expect(Object.getPrototypeOf(revived)).toBe(Deposited.prototype);
        expect(onlySafeObjects(revived)).toBe(true);
        expect(prototypeShapes()).toEqual(shapes);
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('revives every valid payload as an equal instance', () => {
    fc.assert(
      fc.property(valid, (event) => {
        const payloads = registry();
        expect(payloads.deserialize('Deposited', payloads.serialize(event))).toEqual(event);
      }),
      { numRuns: 300 },
    );
  });

  it('hands a consumer only instances of its class; every other stored document is a dead event the dead-event list can show', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(documents, { minLength: 1, maxLength: 12 }), async (stored) => {
        const received: unknown[] = [];
        @Projector()
        class Watcher {
          @EventHandler({ retry: 0 })
          on(event: Deposited): void {
            received.push(event);
          }
        }
        const eventStore = new InMemoryEventStore();
        for (const payload of stored) {
          await eventStore.append({
            aggregateId: null,
            expectedVersion: 0,
            events: [
              { eventName: 'Deposited', context: 'default', payload, metadata: {}, createdAt: new Date() },
            ],
          });
        }
        const bundle = await EventoBundle.builder()
          .setBundleId('props')
          .setComponents([Watcher])
          .registerPayloads([Line])
          .setEventStore(eventStore)
          .setErrorHandler(() => undefined)
          .start();
        try {
          await bundle.untilIdle();
          const [report] = await bundle.consumers();
          const dead = await bundle.deadEvents(report?.consumerId ?? '');
          expect(report?.offset).toBe(stored.length);
          expect(received.length + dead.length).toBe(stored.length);
          for (const event of received) {
            expect(Object.getPrototypeOf(event)).toBe(Deposited.prototype);
            expect(onlySafeObjects(event)).toBe(true);
          }
          for (const entry of dead) {
            expect(entry.message).toBeUndefined();
            expect(entry.readError?.code).toBe(ErrorCode.UnreadableEvent);
            expect(entry.event.payload).toBe(stored[entry.event.sequenceNumber - 1]);
          }
        } finally {
          await bundle.stop();
        }
      }),
      { numRuns: 40 },
    );
  });
});
