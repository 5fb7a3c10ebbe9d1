import { ConcurrencyError, InvalidArgumentError, LeaseLostError } from '../../src/errors';
import type { ConsumerCommit, DeadEvent, StoredSagaInstance } from '../../src/stores/consumerStateStore';
import { InMemoryConsumerStateStore } from '../../src/stores/inMemoryConsumerStateStore';
import { InMemoryEventStore } from '../../src/stores/inMemoryEventStore';
import { consumerStateStoreContract } from '../contracts/consumerStateStoreContract';
import { eventStoreContract } from '../contracts/eventStoreContract';

eventStoreContract(
  'InMemoryEventStore',
  async () => {
    const store = new InMemoryEventStore();
    return { store, cleanup: () => store.close() };
  },
  async (idempotencyRetentionMs) => {
    const store = new InMemoryEventStore({ idempotencyRetentionMs });
    return { store, cleanup: () => store.close() };
  },
);

consumerStateStoreContract('InMemoryConsumerStateStore', async () => {
  const store = new InMemoryConsumerStateStore();
  return { store, cleanup: () => store.close() };
});

describe('InMemoryEventStore', () => {
  it('starts empty and numbers events 1, 2, 3... without gaps', async () => {
    const store = new InMemoryEventStore();
    expect(await store.headSequence()).toBe(0);

    const event = { eventName: 'E', context: 'c', payload: '{}', metadata: {}, createdAt: new Date(0) };
    await store.append({ aggregateId: 'a', expectedVersion: 0, events: [event, event] });
    await store.append({ aggregateId: null, expectedVersion: 0, events: [event] });

    const all = await store.readStream({ after: 0, limit: 10 });
    expect(all.map((e) => e.sequenceNumber)).toEqual([1, 2, 3]);
    expect(await store.headSequence()).toBe(3);
  });
});

describe('InMemoryConsumerStateStore', () => {
  const consumerId = 'consumer';
  const [alice, bob] = ['alice', 'bob'];

  /** A store on a clock the test moves, with `consumerId` created and leased to alice for 100 ms. */
  async function setUp(): Promise<{ store: InMemoryConsumerStateStore; clock: { now: number } }> {
    const clock = { now: 1_000 };
    const store = new InMemoryConsumerStateStore({ now: () => clock.now });
    await store.ensureConsumer(consumerId, 0);
    expect(await store.acquireLease(consumerId, alice, 100)).toBe(true);
    return { store, clock };
  }

  const commitBy = (owner: string, extra: Partial<ConsumerCommit> = {}): ConsumerCommit => ({
    consumerId,
    owner,
    expectedVersion: 0,
    offset: 1,
    ...extra,
  });

  describe('leases on the injected clock', () => {
    it('expire when the clock reaches expiresAt, not before', async () => {
      const { store, clock } = await setUp();
      expect((await store.getLease(consumerId))?.expiresAt).toEqual(new Date(1_100));

      clock.now = 1_099;
      expect(await store.acquireLease(consumerId, bob, 50)).toBe(false);
      clock.now = 1_100;
      expect(await store.acquireLease(consumerId, bob, 50)).toBe(true);
      expect(await store.getLease(consumerId)).toEqual({
        consumerId,
        owner: bob,
        expiresAt: new Date(1_150),
      });
    });

    it('renewal by the holder measures the ttl from now', async () => {
      const { store, clock } = await setUp();
      clock.now = 1_090;
      expect(await store.acquireLease(consumerId, alice, 100)).toBe(true);
      expect((await store.getLease(consumerId))?.expiresAt).toEqual(new Date(1_190));
      clock.now = 1_150;
      expect(await store.acquireLease(consumerId, bob, 100)).toBe(false);
    });

    it('an expired lease still held by nobody else does not let its owner commit', async () => {
      const { store, clock } = await setUp();
      clock.now = 1_100;

      const error = await store.commit(commitBy(alice)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LeaseLostError);
      expect((error as Error).message).toContain(consumerId);
      expect((error as Error).message).toContain(alice);
      expect((error as Error).message).toContain('expired');
      expect(await store.getConsumer(consumerId)).toMatchObject({ offset: 0, version: 0 });
    });

    it("LeaseLostError names the consumer, the owner and the lease's holder", async () => {
      const { store } = await setUp();
      const error = await store.commit(commitBy(bob)).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(LeaseLostError);
      expect((error as LeaseLostError).message).toMatch(/consumer.*bob.*alice/i);
      expect((error as LeaseLostError).context).toEqual({ consumerId, owner: bob, holder: alice });
    });

    it('a lease cannot change hands while a commit runs its work', async () => {
      const { store, clock } = await setUp();
      let finishWork!: () => void;
      const workStarted = new Promise<void>((started) => {
        void store.commit(commitBy(alice), () => {
          started();
          return new Promise<void>((resolve) => (finishWork = resolve));
        });
      });
      await workStarted;

      clock.now = 5_000;
      let bobAcquired: boolean | undefined;
      const takeover = store.acquireLease(consumerId, bob, 100).then((ok) => (bobAcquired = ok));
      await new Promise((resolve) => setImmediate(resolve));
      expect(bobAcquired).toBeUndefined();

      finishWork();
      await takeover;
      expect(bobAcquired).toBe(true);
      expect(await store.getConsumer(consumerId)).toMatchObject({ offset: 1, version: 1 });
    });
  });

  describe('commit', () => {
    it('hands work undefined as its transaction', async () => {
      const { store } = await setUp();
      const received: unknown[] = [];
      await store.commit(commitBy(alice), async (transaction) => void received.push(transaction));
      expect(received).toEqual([undefined]);
    });

    it('reports a stale version with the consumer id and both versions', async () => {
      const { store } = await setUp();
      await store.commit(commitBy(alice));
      const error = await store.commit(commitBy(alice)).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({ aggregateId: consumerId, expectedVersion: 0, actualVersion: 1 });
    });

    it('applies saga upserts before saga deletes, dead events before their removal', async () => {
      const { store } = await setUp();
      await store.commit(
        commitBy(alice, {
          sagaUpserts: [saga({ k: 'v' })],
          sagaDeletes: [{ sagaName: 'S', sagaId: 's1' }],
          deadEvents: [dead(consumerId, 1)],
          deadEventRemovals: [1],
        }),
      );
      expect(await store.listSagaInstances('S')).toEqual([]);
      expect(await store.findSagaInstance('S', 'k', 'v')).toBeUndefined();
      expect(await store.listDeadEvents(consumerId)).toEqual([]);
    });

    it('rejects invalid arguments before anything is written', async () => {
      const { store } = await setUp();
      const offsets = [-1, 1.5, Number.NaN];
      for (const offset of offsets) {
        await expect(store.commit(commitBy(alice, { offset }))).rejects.toBeInstanceOf(InvalidArgumentError);
      }
      await expect(
        store.commit(commitBy(alice, { deadEvents: [dead('another consumer', 1)] })),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.ensureConsumer('other', -1)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.acquireLease(consumerId, alice, 0)).rejects.toBeInstanceOf(InvalidArgumentError);

      expect(await store.getConsumer(consumerId)).toMatchObject({ offset: 0, version: 0 });
      expect(await store.listDeadEvents('another consumer')).toEqual([]);
      expect(await store.getConsumer('other')).toBeUndefined();
    });
  });

  describe('isolation of the stored data', () => {
    it('hands out frozen copies that cannot change the store', async () => {
      const { store } = await setUp();
      const since = new Date(10);
      await store.commit(
        commitBy(alice, {
          sagaUpserts: [saga({ k: 'v' })],
          deadEvents: [dead(consumerId, 1)],
          error: { since, lastErrorAt: since, count: 1, message: 'm' },
        }),
      );

      const state = await store.getConsumer(consumerId);
      expect(Object.isFrozen(state)).toBe(true);
      state?.error?.since.setTime(999);
      const instance = await store.findSagaInstance('S', 'k', 'v');
      expect(Object.isFrozen(instance?.associations)).toBe(true);
      const [deadEvent] = await store.listDeadEvents(consumerId);
      expect(Object.isFrozen(deadEvent?.event.metadata)).toBe(true);
      deadEvent?.deadAt.setTime(999);
      deadEvent?.event.createdAt.setTime(999);
      (await store.getLease(consumerId))?.expiresAt.setTime(999);

      expect((await store.getConsumer(consumerId))?.error?.since).toEqual(new Date(10));
      expect((await store.listDeadEvents(consumerId))[0]).toEqual(dead(consumerId, 1));
      expect((await store.getLease(consumerId))?.expiresAt).toEqual(new Date(1_100));
    });

    it('copies what it is handed, so later changes by the caller do not reach it', async () => {
      const { store } = await setUp();
      const associations: Record<string, string> = { k: 'v' };
      const since = new Date(10);
      const deadEvent = { ...dead(consumerId, 1), deadAt: new Date(20) };
      await store.commit(
        commitBy(alice, {
          sagaUpserts: [saga(associations)],
          deadEvents: [deadEvent],
          error: { since, lastErrorAt: since, count: 1, message: 'm' },
        }),
      );

      associations.k = 'changed';
      since.setTime(999);
      deadEvent.deadAt.setTime(999);

      expect(await store.findSagaInstance('S', 'k', 'v')).toEqual(saga({ k: 'v' }));
      expect(await store.findSagaInstance('S', 'k', 'changed')).toBeUndefined();
      expect((await store.getConsumer(consumerId))?.error?.since).toEqual(new Date(10));
      expect((await store.listDeadEvents(consumerId))[0]?.deadAt).toEqual(new Date(20));
    });
  });
});

function saga(associations: Record<string, string>): StoredSagaInstance {
  return { sagaName: 'S', sagaId: 's1', stateName: 'State', state: '{}', associations };
}

function dead(consumerId: string, sequenceNumber: number): DeadEvent {
  return {
    consumerId,
    event: {
      sequenceNumber,
      aggregateId: 'a',
      aggregateVersion: 1,
      eventName: 'E',
      context: 'c',
      payload: '{}',
      metadata: { m: '1' },
      createdAt: new Date(5),
      eventId: '0190a5d0-0000-7000-8000-000000000001',
    },
    errorName: 'Error',
    errorMessage: 'failed',
    errorStack: undefined,
    deadAt: new Date(6),
    retries: 0,
  };
}
