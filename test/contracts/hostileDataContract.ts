/**
 * Damaged and hostile stored data, on every store: rows a bundle never writes (inserted by hand,
 * or appended straight to the store) must end in typed errors that name the event, leave the
 * process and its consumers running, and leave nothing stuck or polluted. The in-memory, PostgreSQL
 * and MariaDB stores run the same suite.
 */
import {
  ErrorCode,
  EventoBundle,
  InvalidArgumentError,
  UnreadableEventError,
  type ConsumerStateStore,
  type EventStore,
} from '../../src';
import { scopeWith } from '../consumers/support';
import { AccountAggregate, AccountReadModel, Deposit, OpenAccount } from '../domain/bank';
import { AccountProjector } from '../domain/bankConsumers';

/** An event row as a hand-written INSERT would give it. */
export interface RawEventRow {
  readonly aggregateId: string | null;
  readonly aggregateVersion: number | null;
  readonly eventName: string;
  readonly payload: string;
  /** The metadata column's text (SQL stores); in memory only a JSON object of strings is possible. */
  readonly metadata: string;
}

/** The stores under test, and how to put a row into them behind the framework's back. */
export interface HostileHarness {
  readonly eventStore: EventStore;
  readonly stateStore: ConsumerStateStore;
  /** Inserts `row` as it is: raw SQL on a database, a plain append in memory. */
  insertEvent(row: RawEventRow): Promise<void>;
  /** Metadata text the store holds but that is not a JSON object of strings; undefined in memory. */
  readonly damagedMetadata: string | undefined;
  cleanup(): Promise<void>;
}

const DEPOSIT_OF_B = '{"accountId":"b","amount":1}';

/** Hostile payloads of a Deposited event and what revival says of each. */
const HOSTILE_PAYLOADS: readonly [string, string, RegExp][] = [
  [
    '__proto__',
    '{"accountId":"b","amount":1,"__proto__":{"isAdmin":true}}',
    /UnsafePayloadError.*'__proto__'/,
  ],
  [
    'constructor',
    '{"accountId":"b","amount":1,"constructor":{"prototype":{}}}',
    /UnsafePayloadError.*'constructor'/,
  ],
  ['null', 'null', /SerializationError.*must be a JSON object.*null/],
  ['malformed JSON', '{"accountId":"b",', /SerializationError.*malformed/],
  [
    'an unknown nested class',
    '{"accountId":"b","amount":1,"x":{"$type":"Evil"}}',
    /UnknownPayloadError.*'Evil'/,
  ],
];

/** Registers the hostile data suite for the stores `open` makes. */
export function hostileDataContract(name: string, open: (prefix: string) => Promise<HostileHarness>): void {
  describe(`hostile and damaged stored data: ${name}`, () => {
    let harness: HostileHarness;
    let bundle: EventoBundle | undefined;
    let model: AccountReadModel;
    let errors: unknown[];
    let tests = 0;

    beforeEach(async () => {
      harness = await open(`hostile${tests++}_`);
      model = new AccountReadModel();
      errors = [];
    });

    afterEach(async () => {
      await bundle?.stop();
      bundle = undefined;
      await harness.cleanup();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    async function start(): Promise<EventoBundle> {
      bundle = await EventoBundle.builder()
        .setBundleId('hostile')
        .setComponents([AccountAggregate, AccountProjector])
        .setEventStore(harness.eventStore)
        .setConsumerStateStore(harness.stateStore)
        .setContainer(scopeWith(model))
        .setLeaseTtl(900)
        .setErrorHandler((error) => errors.push(error))
        .start();
      return bundle;
    }

    /**
     * The sequence numbers the projector handled, once each: on a database a batch runs in one
     * transaction and is handled again one event at a time when a handler fails, and this read
     * model lives in memory, outside that transaction.
     */
    function handled(): number[] {
      return [...new Set(model.handled)].sort((x, y) => x - y);
    }

    /** Opens account b by hand (version 1), then stores `payload` as its Deposited (version 2). */
    async function accountWithDeposit(payload: string, metadata = '{}'): Promise<void> {
      await harness.insertEvent({
        aggregateId: 'b',
        aggregateVersion: 1,
        eventName: 'AccountOpened',
        payload: '{"accountId":"b","owner":"bo","openedAt":{"$date":"2026-01-01T00:00:00.000Z"}}',
        metadata: '{}',
      });
      await harness.insertEvent({
        aggregateId: 'b',
        aggregateVersion: 2,
        eventName: 'Deposited',
        payload,
        metadata,
      });
    }

    it.each(HOSTILE_PAYLOADS)(
      'a stored payload with %s: commands on its aggregate fail naming it; the projector dead-letters it and handles the events around it',
      async (_what, payload, reason) => {
        const b = await start();
        await b.commandGateway.send(new OpenAccount('a', 'ann'));
        await b.commandGateway.send(new Deposit('a', 5));
        await accountWithDeposit(payload);
        await b.commandGateway.send(new Deposit('a', 7));

        let refused: unknown;
        await b.commandGateway.send(new Deposit('b', 1)).catch((error: unknown) => (refused = error));
        expect(refused).toBeInstanceOf(UnreadableEventError);
        expect(refused).toMatchObject({
          code: ErrorCode.UnreadableEvent,
          context: { sequenceNumber: 4, aggregateId: 'b', aggregateVersion: 2, eventName: 'Deposited' },
        });
        expect((refused as Error).message).toMatch(/#4 \("Deposited", aggregate "b" version 2\)/);
        expect((refused as Error).message).toMatch(reason);

        await b.untilIdle();
        expect(handled()).toEqual([1, 2, 3, 5]);
        const [report] = await b.consumers();
        expect(report).toMatchObject({ offset: 5, lag: 0, deadEvents: 1 });
        const [dead, ...more] = await b.deadEvents(report?.consumerId ?? '');
        expect(more).toEqual([]);
        expect(dead?.event).toMatchObject({ sequenceNumber: 4, aggregateId: 'b', payload });
        expect(dead?.message).toBeUndefined();
        expect(dead?.readError?.code).toBe(ErrorCode.UnreadableEvent);
        expect(dead?.readError?.message).toMatch(reason);
        expect(dead?.errorName).toBe('UnreadableEventError');
        expect(errors.some((e) => e instanceof UnreadableEventError)).toBe(true);
      },
    );

    it('an unreadable event last in the stream leaves the consumer in a visible error state, not stuck, and a retry keeps it dead', async () => {
      const b = await start();
      await b.commandGateway.send(new OpenAccount('a', 'ann'));
      await accountWithDeposit(HOSTILE_PAYLOADS[0]?.[1] ?? '');
      await b.untilIdle();
      const [report] = await b.consumers();
      expect(report).toMatchObject({ offset: 3, lag: 0, deadEvents: 1 });
      expect(report?.error?.message).toMatch(/UnreadableEventError: Stored event #3/);
      const id = report?.consumerId ?? '';
      await expect(b.retryDeadEvent(id, 3)).rejects.toBeInstanceOf(UnreadableEventError);
      const [dead] = await b.deadEvents(id);
      expect(dead).toMatchObject({ retries: 1, message: undefined });
      expect(dead?.readError).toBeInstanceOf(UnreadableEventError);
    });

    it('a valid stored payload of an unknown event name is skipped by the projector and refused by the command side', async () => {
      const b = await start();
      await accountWithDeposit(DEPOSIT_OF_B);
      await harness.insertEvent({
        aggregateId: 'b',
        aggregateVersion: 3,
        eventName: 'Vanished',
        payload: '{}',
        metadata: '{}',
      });
      await expect(b.commandGateway.send(new Deposit('b', 1))).rejects.toThrow(
        /Stored event #3 \("Vanished", aggregate "b" version 3\) cannot be read: UnknownPayloadError/,
      );
      await b.untilIdle();
      expect(handled()).toEqual([1, 2]);
      expect((await b.consumers())[0]).toMatchObject({ offset: 3, deadEvents: 0, error: null });
    });

    it('damaged metadata in a row: the stream still reads, events before it are delivered, it goes to the dead events with its raw text', async () => {
      const damaged = harness.damagedMetadata;
      if (damaged === undefined) return; // In memory, appends refuse such metadata (see the validation test).
      const b = await start();
      await b.commandGateway.send(new OpenAccount('a', 'ann'));
      await accountWithDeposit(DEPOSIT_OF_B, damaged);
      await b.commandGateway.send(new Deposit('a', 3));

      const stream = await harness.eventStore.readStream({ after: 0, limit: 10 });
      expect(stream.map((e) => [e.sequenceNumber, e.unreadableMetadata])).toEqual([
        [1, undefined],
        [2, undefined],
        [3, damaged],
        [4, undefined],
      ]);
      await expect(b.commandGateway.send(new Deposit('b', 1))).rejects.toThrow(
        /#3 \("Deposited", aggregate "b" version 2\) cannot be read: SerializationError: its metadata is not a JSON object of strings/,
      );
      await b.untilIdle();
      expect(handled()).toEqual([1, 2, 4]);
      const [report] = await b.consumers();
      expect(report).toMatchObject({ offset: 4, lag: 0, deadEvents: 1 });
      const [dead] = await b.deadEvents(report?.consumerId ?? '');
      expect(dead?.event).toMatchObject({ sequenceNumber: 3, unreadableMetadata: damaged });
      expect(dead?.readError?.message).toMatch(/metadata is not a JSON object of strings/);
    });

    it.each([
      [
        'a NUL in the aggregate id',
        { aggregateId: 'a\u0000b' },
        /The aggregate id "a\\u0000b" holds a NUL character/,
      ],
      [
        'a lone surrogate in the aggregate id',
        { aggregateId: 'a\ud800' },
        /The aggregate id .* holds a lone UTF-16 surrogate/,
      ],
      [
        'a NUL in a metadata value',
        { metadata: { traceId: 'x\u0000' } },
        /the metadata key "traceId" .* holds a NUL/,
      ],
      [
        'a lone surrogate in a metadata value',
        { metadata: { traceId: '\udc00x' } },
        /the metadata key "traceId" .* holds a lone UTF-16 surrogate/,
      ],
      [
        'a lone surrogate in a metadata key',
        { metadata: { ['k\ud800']: 'v' } },
        /The metadata key .* holds a lone UTF-16 surrogate/,
      ],
      ['a NUL in the context', { context: 'c\u0000' }, /The context .* holds a NUL/],
      [
        'a non-string metadata value',
        { metadata: { n: 1 as unknown as string } },
        /must be a string \(got number\)/,
      ],
      [
        'a __proto__ metadata key',
        { metadata: JSON.parse('{"__proto__":"x"}') as Record<string, string> },
        /"__proto__" is refused/,
      ],
    ])(
      'an append with %s is refused with InvalidArgumentError naming the field, and stores nothing',
      async (_what, change, message) => {
        const { eventStore } = harness;
        const head = await eventStore.headSequence();
        const { aggregateId = 'v', ...event } = change as { aggregateId?: string } & Record<string, unknown>;
        const append = eventStore.append({
          aggregateId,
          expectedVersion: 0,
          events: [
            {
              eventName: 'Deposited',
              context: 'default',
              payload: DEPOSIT_OF_B,
              metadata: {},
              createdAt: new Date(),
              ...event,
            },
          ],
        });
        await expect(append).rejects.toBeInstanceOf(InvalidArgumentError);
        await expect(append).rejects.toThrow(message);
        expect(await eventStore.headSequence()).toBe(head);
      },
    );
  });
}
