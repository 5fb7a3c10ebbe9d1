/**
 * The behaviour every ConsumerStateStore must have, as jest suites. Each store's test file calls
 * `consumerStateStoreContract` with a factory; the tests never assume an empty store (they use
 * their own consumer ids and saga names), so suites may share a database and run alongside.
 */
import { rejectionOf, sleep } from '../support/waiting';
import { randomUUID } from 'node:crypto';
import {
  ConcurrencyError,
  ConsumerNotFoundError,
  InvalidArgumentError,
  LeaseLostError,
} from '../../src/errors';
import type {
  ConsumerCommit,
  ConsumerErrorState,
  ConsumerStateStore,
  DeadEvent,
  StoredSagaInstance,
} from '../../src/stores/consumerStateStore';

/** Makes the store under test; `cleanup` closes it (and may drop its data). */
export type ConsumerStateStoreFactory = () => Promise<{
  store: ConsumerStateStore;
  cleanup: () => Promise<void>;
}>;

/** A long lease: it does not expire during a test. */
const LONG_TTL_MS = 60_000;
/** A short lease, and how long to wait for it to expire (database stores use the database clock). */
const SHORT_TTL_MS = 300;
const EXPIRY_WAIT_MS = 700;

/** Registers the ConsumerStateStore contract suite for the store `factory` makes. */
export function consumerStateStoreContract(name: string, factory: ConsumerStateStoreFactory): void {
  describe(`ConsumerStateStore contract: ${name}`, () => {
    let store: ConsumerStateStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ store, cleanup } = await factory());
    });

    afterAll(async () => {
      await cleanup?.();
    });

    /** A new consumer at `offset` whose lease `owner` holds. */
    async function leased(offset = 0): Promise<{ id: string; owner: string }> {
      const id = newConsumerId();
      const owner = newOwner();
      await store.ensureConsumer(id, offset);
      expect(await store.acquireLease(id, owner, LONG_TTL_MS)).toBe(true);
      return { id, owner };
    }

    /** A commit of `id` by `owner` on top of `expectedVersion`, moving the offset to `offset`. */
    function commitOf(
      id: string,
      owner: string,
      expectedVersion: number,
      offset: number,
      extra: Partial<ConsumerCommit> = {},
    ): ConsumerCommit {
      return { consumerId: id, owner, expectedVersion, offset, ...extra };
    }

    /** Everything a commit can write for `id`, to compare before and after a rejected commit. */
    async function snapshotOf(id: string, sagaName: string): Promise<unknown> {
      return {
        consumer: await store.getConsumer(id),
        sagas: await store.listSagaInstances(sagaName),
        dead: await store.listDeadEvents(id),
      };
    }

    describe('ensureConsumer and getConsumer', () => {
      it('creates the consumer at the offset, at version 0, enabled and without error', async () => {
        const id = newConsumerId();
        const expected = { consumerId: id, offset: 17, version: 0, enabled: true, error: null };

        expect(await store.ensureConsumer(id, 17)).toEqual(expected);
        expect(await store.getConsumer(id)).toEqual(expected);
      });

      it('is idempotent: an existing consumer keeps its offset, version and flags', async () => {
        const { id, owner } = await leased(5);
        expect(await store.ensureConsumer(id, 9)).toMatchObject({ offset: 5, version: 0 });

        await store.commit(commitOf(id, owner, 0, 8));
        await store.setEnabled(id, false);
        const state = { consumerId: id, offset: 8, version: 1, enabled: false, error: null };
        expect(await store.ensureConsumer(id, 0)).toEqual(state);
        expect(await store.getConsumer(id)).toEqual(state);
      });

      it('getConsumer of an unknown consumer is undefined', async () => {
        expect(await store.getConsumer(newConsumerId())).toBeUndefined();
      });
    });

    describe('leases', () => {
      it('acquires a free lease for ttlMs', async () => {
        const id = newConsumerId();
        const owner = newOwner();
        await store.ensureConsumer(id, 0);
        expect(await store.getLease(id)).toBeUndefined();

        const before = Date.now();
        expect(await store.acquireLease(id, owner, 10_000)).toBe(true);
        const after = Date.now();

        const lease = await store.getLease(id);
        expect(lease).toMatchObject({ consumerId: id, owner });
        expect(lease?.expiresAt).toBeInstanceOf(Date);
        // Generous bounds: a database store's clock may differ a little from this process's.
        expect(lease?.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 10_000 - 5_000);
        expect(lease?.expiresAt.getTime()).toBeLessThanOrEqual(after + 10_000 + 5_000);
      });

      it('the holder acquiring again extends the lease', async () => {
        const { id, owner } = await leased();
        expect(await store.acquireLease(id, owner, 1_000)).toBe(true);
        const first = (await store.getLease(id))?.expiresAt.getTime() ?? Infinity;
        await sleep(50);

        expect(await store.acquireLease(id, owner, LONG_TTL_MS)).toBe(true);
        const second = (await store.getLease(id))?.expiresAt.getTime() ?? -Infinity;
        expect(second).toBeGreaterThan(first + 10_000);
      });

      it('another owner cannot take an unexpired lease', async () => {
        const { id, owner } = await leased();
        const before = await store.getLease(id);

        expect(await store.acquireLease(id, newOwner(), LONG_TTL_MS)).toBe(false);
        expect(await store.getLease(id)).toEqual(before);
        expect(before?.owner).toBe(owner);
      });

      it('another owner takes over an expired lease, and the old holder can no longer commit', async () => {
        const id = newConsumerId();
        const [first, second] = [newOwner(), newOwner()];
        await store.ensureConsumer(id, 0);
        expect(await store.acquireLease(id, first, SHORT_TTL_MS)).toBe(true);
        expect(await store.acquireLease(id, second, SHORT_TTL_MS)).toBe(false);

        await sleep(EXPIRY_WAIT_MS);
        expect(await store.acquireLease(id, second, LONG_TTL_MS)).toBe(true);
        expect((await store.getLease(id))?.owner).toBe(second);
        expect(await store.acquireLease(id, first, LONG_TTL_MS)).toBe(false);
        await expect(store.commit(commitOf(id, first, 0, 1))).rejects.toBeInstanceOf(LeaseLostError);
        await expect(store.commit(commitOf(id, second, 0, 1))).resolves.toMatchObject({
          offset: 1,
          version: 1,
        });
      });

      it('releaseLease frees the lease when its owner releases it, and only then', async () => {
        const { id, owner } = await leased();
        const other = newOwner();

        await store.releaseLease(id, other);
        expect((await store.getLease(id))?.owner).toBe(owner);
        expect(await store.acquireLease(id, other, LONG_TTL_MS)).toBe(false);

        await store.releaseLease(id, owner);
        expect(await store.getLease(id)).toBeUndefined();
        expect(await store.acquireLease(id, other, LONG_TTL_MS)).toBe(true);
        expect((await store.getLease(id))?.owner).toBe(other);
      });

      it('leases are per consumer', async () => {
        const first = await leased();
        const id = newConsumerId();
        const owner = newOwner();
        await store.ensureConsumer(id, 0);

        expect(await store.acquireLease(id, owner, LONG_TTL_MS)).toBe(true);
        expect((await store.getLease(id))?.owner).toBe(owner);
        expect((await store.getLease(first.id))?.owner).toBe(first.owner);
        await store.releaseLease(id, owner);
        expect((await store.getLease(first.id))?.owner).toBe(first.owner);
      });
    });

    describe('commit', () => {
      it('moves the offset, increments the version and returns the new state', async () => {
        const { id, owner } = await leased(3);

        const first = await store.commit(commitOf(id, owner, 0, 10));
        expect(first).toEqual({ consumerId: id, offset: 10, version: 1, enabled: true, error: null });
        expect(await store.getConsumer(id)).toEqual(first);

        // The offset may stay where it is (a commit that only writes sagas or the error state).
        const second = await store.commit(commitOf(id, owner, 1, 10));
        expect(second).toMatchObject({ offset: 10, version: 2 });
        expect(await store.getConsumer(id)).toEqual(second);
      });

      it('rejects a stale expectedVersion with ConcurrencyError, writes nothing and does not run work', async () => {
        const { id, owner } = await leased();
        const sagaName = newSagaName();
        await store.commit(commitOf(id, owner, 0, 5));
        const before = await snapshotOf(id, sagaName);
        let workCalls = 0;

        for (const expectedVersion of [0, 2]) {
          const stale = commitOf(id, owner, expectedVersion, 9, {
            sagaUpserts: [sagaInstance(sagaName, 's1', { orderId: 'o1' })],
            deadEvents: [deadEvent(id, 7)],
            error: errorState('boom'),
          });
          await expect(store.commit(stale, async () => void workCalls++)).rejects.toBeInstanceOf(
            ConcurrencyError,
          );
        }

        expect(workCalls).toBe(0);
        expect(await snapshotOf(id, sagaName)).toEqual(before);
        expect(await store.getConsumer(id)).toMatchObject({ offset: 5, version: 1 });
      });

      it('of two concurrent commits with the same expectedVersion exactly one wins', async () => {
        const { id, owner } = await leased();
        const slowWork = async (): Promise<void> => sleep(20);

        const results = await Promise.allSettled([
          store.commit(commitOf(id, owner, 0, 4), slowWork),
          store.commit(commitOf(id, owner, 0, 6), slowWork),
        ]);

        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]?.reason).toBeInstanceOf(ConcurrencyError);
        expect(await store.getConsumer(id)).toEqual(won[0]?.value);
        expect(won[0]?.value.version).toBe(1);
      });

      it('rejects a commit by an owner without the lease with LeaseLostError, writing nothing', async () => {
        const { id, owner } = await leased();
        const sagaName = newSagaName();
        const other = newOwner();
        const before = await snapshotOf(id, sagaName);
        let workCalls = 0;
        const attempt = (by: string) =>
          store.commit(
            commitOf(id, by, 0, 3, { sagaUpserts: [sagaInstance(sagaName, 's1', { k: 'v' })] }),
            async () => void workCalls++,
          );

        // Another owner while the lease is held.
        await expect(attempt(other)).rejects.toBeInstanceOf(LeaseLostError);
        // The holder once it released the lease, when nobody holds it.
        await store.releaseLease(id, owner);
        await expect(attempt(owner)).rejects.toBeInstanceOf(LeaseLostError);
        // The former holder after another owner took it.
        expect(await store.acquireLease(id, other, LONG_TTL_MS)).toBe(true);
        await expect(attempt(owner)).rejects.toBeInstanceOf(LeaseLostError);

        expect(workCalls).toBe(0);
        expect(await snapshotOf(id, sagaName)).toEqual(before);
      });

      it('rejects a commit whose own lease expired with LeaseLostError', async () => {
        const id = newConsumerId();
        const owner = newOwner();
        await store.ensureConsumer(id, 0);
        expect(await store.acquireLease(id, owner, SHORT_TTL_MS)).toBe(true);
        await sleep(EXPIRY_WAIT_MS);

        await expect(store.commit(commitOf(id, owner, 0, 1))).rejects.toBeInstanceOf(LeaseLostError);
        expect(await store.getConsumer(id)).toMatchObject({ offset: 0, version: 0 });
        // Renewing the lease makes the same commit succeed.
        expect(await store.acquireLease(id, owner, LONG_TTL_MS)).toBe(true);
        await expect(store.commit(commitOf(id, owner, 0, 1))).resolves.toMatchObject({
          offset: 1,
          version: 1,
        });
      });

      it('rejects an offset that moves backwards with InvalidArgumentError, writing nothing', async () => {
        const { id, owner } = await leased(10);
        const sagaName = newSagaName();
        const before = await snapshotOf(id, sagaName);
        let workCalls = 0;

        const backwards = commitOf(id, owner, 0, 9, {
          sagaUpserts: [sagaInstance(sagaName, 's1', { k: 'v' })],
        });
        await expect(store.commit(backwards, async () => void workCalls++)).rejects.toBeInstanceOf(
          InvalidArgumentError,
        );

        expect(workCalls).toBe(0);
        expect(await snapshotOf(id, sagaName)).toEqual(before);
      });

      it('runs work exactly once, before the commit resolves', async () => {
        const { id, owner } = await leased();
        const steps: string[] = [];

        const state = await store.commit(commitOf(id, owner, 0, 2), async () => {
          await sleep(20);
          steps.push('work');
        });
        steps.push('resolved');

        expect(steps).toEqual(['work', 'resolved']);
        expect(state).toMatchObject({ offset: 2, version: 1 });
      });

      it('writes nothing when work throws, and rejects with the error work threw', async () => {
        const { id, owner } = await leased();
        const sagaName = newSagaName();
        await store.commit(
          commitOf(id, owner, 0, 4, {
            sagaUpserts: [sagaInstance(sagaName, 'kept', { k: 'kept' })],
            deadEvents: [deadEvent(id, 2)],
          }),
        );
        const before = await snapshotOf(id, sagaName);
        const failure = new Error('projection write failed');

        const failing = commitOf(id, owner, 1, 8, {
          sagaUpserts: [sagaInstance(sagaName, 'new', { k: 'new' })],
          sagaDeletes: [{ sagaName, sagaId: 'kept' }],
          deadEvents: [deadEvent(id, 6)],
          deadEventRemovals: [2],
          error: errorState('boom'),
        });
        await expect(
          store.commit(failing, async () => {
            throw failure;
          }),
        ).rejects.toBe(failure);

        expect(await snapshotOf(id, sagaName)).toEqual(before);
        expect(await store.findSagaInstance(sagaName, 'k', 'new')).toBeUndefined();
        expect(await store.findSagaInstance(sagaName, 'k', 'kept')).toBeDefined();
        // The same commit goes through once work succeeds.
        await expect(store.commit(failing, async () => undefined)).resolves.toMatchObject({
          offset: 8,
          version: 2,
        });
      });

      it('rejects a commit for an unknown consumer and creates nothing', async () => {
        const id = newConsumerId();
        const error = await rejectionOf(store.commit(commitOf(id, newOwner(), 0, 1)));

        // Without a consumer there is no lease either: stores may report either.
        expect(error instanceof LeaseLostError || error instanceof ConsumerNotFoundError).toBe(true);
        expect(await store.getConsumer(id)).toBeUndefined();
      });
    });

    describe('saga instances', () => {
      it('upserts an instance and finds it by each of its associations', async () => {
        const { id, owner } = await leased();
        const sagaName = newSagaName();
        const instance = sagaInstance(
          sagaName,
          'saga-1',
          { orderId: 'o-1', customerId: 'c-1' },
          '{"b":1, "a":"é"}',
        );

        await store.commit(commitOf(id, owner, 0, 1, { sagaUpserts: [instance] }));

        expect(await store.findSagaInstance(sagaName, 'orderId', 'o-1')).toEqual(instance);
        expect(await store.findSagaInstance(sagaName, 'customerId', 'c-1')).toEqual(instance);
        expect(await store.findSagaInstance(sagaName, 'orderId', 'c-1')).toBeUndefined();
        expect(await store.findSagaInstance(sagaName, 'orderId', 'o-2')).toBeUndefined();
        expect(await store.findSagaInstance(sagaName, 'unknown', 'o-1')).toBeUndefined();
        expect(await store.listSagaInstances(sagaName)).toEqual([instance]);
      });

      it('scopes instances and lookups by saga name', async () => {
        const { id, owner } = await leased();
        const [sagaA, sagaB] = [newSagaName(), newSagaName()];
        const a = sagaInstance(sagaA, 'same-id', { orderId: 'o-1' }, '{"saga":"a"}');
        const b = sagaInstance(sagaB, 'same-id', { orderId: 'o-1' }, '{"saga":"b"}');
        const a2 = sagaInstance(sagaA, 'other-id', { orderId: 'o-2' });

        await store.commit(commitOf(id, owner, 0, 1, { sagaUpserts: [a, b, a2] }));

        expect(await store.findSagaInstance(sagaA, 'orderId', 'o-1')).toEqual(a);
        expect(await store.findSagaInstance(sagaB, 'orderId', 'o-1')).toEqual(b);
        expect(await store.findSagaInstance(sagaB, 'orderId', 'o-2')).toBeUndefined();
        expect(sortBySagaId(await store.listSagaInstances(sagaA))).toEqual([a2, a]);
        expect(await store.listSagaInstances(sagaB)).toEqual([b]);
        expect(await store.listSagaInstances(newSagaName())).toEqual([]);
      });

      it('an upsert replaces the state and associations; an old association no longer finds it', async () => {
        const { id, owner } = await leased();
        const sagaName = newSagaName();
        await store.commit(
          commitOf(id, owner, 0, 1, {
            sagaUpserts: [sagaInstance(sagaName, 's', { orderId: 'o-1', keep: 'k' })],
          }),
        );

        const updated = sagaInstance(sagaName, 's', { orderId: 'o-2', keep: 'k' }, '{"step":2}');
        await store.commit(commitOf(id, owner, 1, 2, { sagaUpserts: [updated] }));

        expect(await store.findSagaInstance(sagaName, 'orderId', 'o-1')).toBeUndefined();
        expect(await store.findSagaInstance(sagaName, 'orderId', 'o-2')).toEqual(updated);
        expect(await store.findSagaInstance(sagaName, 'keep', 'k')).toEqual(updated);
        expect(await store.listSagaInstances(sagaName)).toEqual([updated]);

        const fewer = sagaInstance(sagaName, 's', { orderId: 'o-2' }, '{"step":3}');
        await store.commit(commitOf(id, owner, 2, 3, { sagaUpserts: [fewer] }));
        expect(await store.findSagaInstance(sagaName, 'keep', 'k')).toBeUndefined();
        expect(await store.findSagaInstance(sagaName, 'orderId', 'o-2')).toEqual(fewer);
      });

      it('deletes an instance', async () => {
        const { id, owner } = await leased();
        const sagaName = newSagaName();
        const gone = sagaInstance(sagaName, 'gone', { orderId: 'o-1' });
        const kept = sagaInstance(sagaName, 'kept', { orderId: 'o-2' });
        await store.commit(commitOf(id, owner, 0, 1, { sagaUpserts: [gone, kept] }));

        await store.commit(commitOf(id, owner, 1, 2, { sagaDeletes: [{ sagaName, sagaId: 'gone' }] }));

        expect(await store.findSagaInstance(sagaName, 'orderId', 'o-1')).toBeUndefined();
        expect(await store.findSagaInstance(sagaName, 'orderId', 'o-2')).toEqual(kept);
        expect(await store.listSagaInstances(sagaName)).toEqual([kept]);
        // Deleting an instance that does not exist is not an error.
        await expect(
          store.commit(commitOf(id, owner, 2, 3, { sagaDeletes: [{ sagaName, sagaId: 'never' }] })),
        ).resolves.toMatchObject({ version: 3 });
      });
    });

    describe('dead events', () => {
      it('upserts dead events and lists them by sequence number, keeping every field', async () => {
        const { id, owner } = await leased();
        const late = deadEvent(id, 70, {
          errorStack: 'Error: boom\n    at handler (file.ts:1:1)',
          retries: 2,
        });
        const early = deadEvent(id, 30);
        const middle = deadEvent(id, 50, {
          event: { ...deadEvent(id, 50).event, aggregateId: null, aggregateVersion: null },
        });

        await store.commit(commitOf(id, owner, 0, 70, { deadEvents: [late, early] }));
        await store.commit(commitOf(id, owner, 1, 70, { deadEvents: [middle] }));

        const listed = await store.listDeadEvents(id);
        expect(listed).toEqual([early, middle, late]);
        expect(listed[0]?.errorStack).toBeUndefined();
        expect(listed[2]?.errorStack).toBe(late.errorStack);
        for (const dead of listed) {
          expect(dead.deadAt).toBeInstanceOf(Date);
          expect(dead.event.createdAt).toBeInstanceOf(Date);
        }
        expect(listed[0]?.event.payload).toBe(early.event.payload);
      });

      it('upserting the same sequence number replaces the dead event', async () => {
        const { id, owner } = await leased();
        await store.commit(commitOf(id, owner, 0, 5, { deadEvents: [deadEvent(id, 5)] }));

        const retried = deadEvent(id, 5, { retries: 1, errorMessage: 'still failing' });
        await store.commit(commitOf(id, owner, 1, 5, { deadEvents: [retried] }));

        expect(await store.listDeadEvents(id)).toEqual([retried]);
      });

      it('removes dead events through a commit', async () => {
        const { id, owner } = await leased();
        const kept = deadEvent(id, 2);
        await store.commit(
          commitOf(id, owner, 0, 3, { deadEvents: [deadEvent(id, 1), kept, deadEvent(id, 3)] }),
        );

        await store.commit(commitOf(id, owner, 1, 3, { deadEventRemovals: [1, 3, 99] }));

        expect(await store.listDeadEvents(id)).toEqual([kept]);
      });

      it('deleteDeadEvent deletes for good and says whether the dead event existed', async () => {
        const { id, owner } = await leased();
        const kept = deadEvent(id, 4);
        await store.commit(commitOf(id, owner, 0, 4, { deadEvents: [deadEvent(id, 3), kept] }));

        expect(await store.deleteDeadEvent(id, 3)).toBe(true);
        expect(await store.deleteDeadEvent(id, 3)).toBe(false);
        expect(await store.deleteDeadEvent(id, 99)).toBe(false);
        expect(await store.deleteDeadEvent(newConsumerId(), 4)).toBe(false);
        expect(await store.listDeadEvents(id)).toEqual([kept]);
      });

      it('dead events are per consumer', async () => {
        const first = await leased();
        const second = await leased();
        const mine = deadEvent(first.id, 8);
        const theirs = deadEvent(second.id, 8, { errorMessage: 'theirs' });
        await store.commit(commitOf(first.id, first.owner, 0, 8, { deadEvents: [mine] }));
        await store.commit(commitOf(second.id, second.owner, 0, 8, { deadEvents: [theirs] }));

        expect(await store.listDeadEvents(first.id)).toEqual([mine]);
        expect(await store.deleteDeadEvent(second.id, 8)).toBe(true);
        expect(await store.listDeadEvents(first.id)).toEqual([mine]);
        expect(await store.listDeadEvents(second.id)).toEqual([]);
        expect(await store.listDeadEvents(newConsumerId())).toEqual([]);
      });
    });

    describe('error state', () => {
      it('a commit sets the error, leaves it when undefined and clears it with null', async () => {
        const { id, owner } = await leased();
        const failing = errorState('boom', 3);

        expect(await store.commit(commitOf(id, owner, 0, 1, { error: failing }))).toMatchObject({
          error: failing,
        });
        expect((await store.getConsumer(id))?.error).toEqual(failing);

        await store.commit(commitOf(id, owner, 1, 2));
        const kept = await store.getConsumer(id);
        expect(kept?.error).toEqual(failing);
        expect(kept?.error?.since).toBeInstanceOf(Date);

        expect(await store.commit(commitOf(id, owner, 2, 3, { error: null }))).toMatchObject({ error: null });
        expect((await store.getConsumer(id))?.error).toBeNull();
      });

      it('setError sets and clears the error without moving the offset or the version', async () => {
        const { id, owner } = await leased();
        await store.commit(commitOf(id, owner, 0, 6));
        const failing = errorState('transient', 2);

        await store.setError(id, failing);
        expect(await store.getConsumer(id)).toEqual({
          consumerId: id,
          offset: 6,
          version: 1,
          enabled: true,
          error: failing,
        });

        await store.setError(id, null);
        expect(await store.getConsumer(id)).toEqual({
          consumerId: id,
          offset: 6,
          version: 1,
          enabled: true,
          error: null,
        });
        // The version read before setError is still the one to commit on.
        await expect(store.commit(commitOf(id, owner, 1, 7))).resolves.toMatchObject({ version: 2 });
      });

      it('setError of an unknown consumer throws ConsumerNotFoundError and creates nothing', async () => {
        const id = newConsumerId();
        await expect(store.setError(id, errorState('x'))).rejects.toBeInstanceOf(ConsumerNotFoundError);
        await expect(store.setError(id, null)).rejects.toBeInstanceOf(ConsumerNotFoundError);
        expect(await store.getConsumer(id)).toBeUndefined();
      });
    });

    describe('enabled', () => {
      it('setEnabled disables and enables without moving the offset or the version', async () => {
        const { id, owner } = await leased(2);
        await store.commit(commitOf(id, owner, 0, 4));

        await store.setEnabled(id, false);
        expect(await store.getConsumer(id)).toEqual({
          consumerId: id,
          offset: 4,
          version: 1,
          enabled: false,
          error: null,
        });
        await store.setEnabled(id, false);
        expect((await store.getConsumer(id))?.enabled).toBe(false);

        await store.setEnabled(id, true);
        expect(await store.getConsumer(id)).toEqual({
          consumerId: id,
          offset: 4,
          version: 1,
          enabled: true,
          error: null,
        });
      });

      it('a commit leaves the enabled flag as it is', async () => {
        const { id, owner } = await leased();
        await store.setEnabled(id, false);

        expect(await store.commit(commitOf(id, owner, 0, 1))).toMatchObject({ enabled: false, version: 1 });
        expect((await store.getConsumer(id))?.enabled).toBe(false);
      });

      it('setEnabled of an unknown consumer throws ConsumerNotFoundError and creates nothing', async () => {
        const id = newConsumerId();
        await expect(store.setEnabled(id, false)).rejects.toBeInstanceOf(ConsumerNotFoundError);
        expect(await store.getConsumer(id)).toBeUndefined();
      });
    });

    describe('listConsumers', () => {
      it('lists every consumer with its state, ordered by id', async () => {
        // Ids that differ only in their last character sort the same under any collation.
        const base = `list-${randomUUID()}-`;
        const ids = ['b', 'c', 'a'].map((suffix) => base + suffix);
        for (const [i, id] of ids.entries()) await store.ensureConsumer(id, i);
        await store.setEnabled(base + 'c', false);

        const listed = (await store.listConsumers()).filter((s) => s.consumerId.startsWith(base));
        expect(listed).toEqual([
          { consumerId: base + 'a', offset: 2, version: 0, enabled: true, error: null },
          { consumerId: base + 'b', offset: 0, version: 0, enabled: true, error: null },
          { consumerId: base + 'c', offset: 1, version: 0, enabled: false, error: null },
        ]);
      });
    });
  });
}

function newConsumerId(): string {
  return `consumer-${randomUUID()}`;
}

function newOwner(): string {
  return `owner-${randomUUID()}`;
}

function newSagaName(): string {
  return `Saga-${randomUUID()}`;
}

function sagaInstance(
  sagaName: string,
  sagaId: string,
  associations: Record<string, string>,
  state = '{"step":1}',
): StoredSagaInstance {
  return { sagaName, sagaId, stateName: 'SagaState', state, associations };
}

/** A dead event of `consumerId` for the event at `sequenceNumber`, with millisecond-precise dates. */
function deadEvent(
  consumerId: string,
  sequenceNumber: number,
  overrides: Partial<DeadEvent> = {},
): DeadEvent {
  return {
    consumerId,
    event: {
      sequenceNumber,
      aggregateId: `agg-${sequenceNumber}`,
      aggregateVersion: sequenceNumber,
      eventName: 'ThingHappened',
      context: 'default',
      payload: `{"z":${sequenceNumber}, "a":"é ✓"}`,
      metadata: { correlationId: `corr-${sequenceNumber}`, empty: '' },
      createdAt: new Date(Date.UTC(2024, 1, 3, 4, 5, 6, sequenceNumber % 1000)),
      eventId: `0190a5d0-0000-7000-8000-${String(sequenceNumber).padStart(12, '0')}`,
    },
    errorName: 'Error',
    errorMessage: `handler failed on ${sequenceNumber}`,
    errorStack: undefined,
    deadAt: new Date(Date.UTC(2024, 1, 3, 4, 6, 7, 891)),
    retries: 0,
    ...overrides,
  };
}

function errorState(message: string, count = 1): ConsumerErrorState {
  return {
    since: new Date(Date.UTC(2024, 4, 5, 6, 7, 8, 9)),
    lastErrorAt: new Date(Date.UTC(2024, 4, 5, 6, 9, 10, 111)),
    count,
    message,
  };
}

function sortBySagaId(instances: StoredSagaInstance[]): StoredSagaInstance[] {
  return [...instances].sort((a, b) => (a.sagaId < b.sagaId ? -1 : a.sagaId > b.sagaId ? 1 : 0));
}
