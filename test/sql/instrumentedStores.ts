/**
 * Consumer state stores that record their commits and can slow their lease calls down: subclasses
 * of the real PostgreSQL and MySQL stores, so everything else is the real thing.
 */
import type { ConsumerCommit, ConsumerState, ConsumerStateStore, TransactionalWork } from '../../src';
import { MysqlConsumerStateStore } from '../../src/mysql';
import { PostgresConsumerStateStore } from '../../src/postgres';
import { mysqlOptions, postgresOptions, type Place } from './databases';

/** One call of `commit`. */
export interface CommitRecord {
  readonly offset: number;
  /** Whether handlers ran in its transaction. */
  readonly withWork: boolean;
  /** Sequence numbers it sent to the dead events. */
  readonly deadEvents: readonly number[];
  /** Whether it was written (false: it threw, nothing was written). */
  readonly ok: boolean;
}

/** What an instrumented store records and does. */
export class StoreProbe {
  readonly commits: CommitRecord[] = [];
  /** Runs before every acquireLease. */
  beforeAcquireLease: () => Promise<void> = async () => undefined;

  /** The commits that were written. */
  written(): CommitRecord[] {
    return this.commits.filter((c) => c.ok);
  }

  async recordCommit(
    commit: ConsumerCommit,
    work: TransactionalWork | undefined,
    run: () => Promise<ConsumerState>,
  ): Promise<ConsumerState> {
    const record = {
      offset: commit.offset,
      withWork: work !== undefined,
      deadEvents: (commit.deadEvents ?? []).map((d) => d.event.sequenceNumber),
    };
    try {
      const state = await run();
      this.commits.push({ ...record, ok: true });
      return state;
    } catch (error) {
      this.commits.push({ ...record, ok: false });
      throw error;
    }
  }
}

class ProbedPostgresStore extends PostgresConsumerStateStore {
  probe = new StoreProbe();

  override commit(commit: ConsumerCommit, work?: TransactionalWork): Promise<ConsumerState> {
    return this.probe.recordCommit(commit, work, () => super.commit(commit, work));
  }

  override async acquireLease(consumerId: string, owner: string, ttlMs: number): Promise<boolean> {
    await this.probe.beforeAcquireLease();
    return super.acquireLease(consumerId, owner, ttlMs);
  }
}

class ProbedMysqlStore extends MysqlConsumerStateStore {
  probe = new StoreProbe();

  override commit(commit: ConsumerCommit, work?: TransactionalWork): Promise<ConsumerState> {
    return this.probe.recordCommit(commit, work, () => super.commit(commit, work));
  }

  override async acquireLease(consumerId: string, owner: string, ttlMs: number): Promise<boolean> {
    await this.probe.beforeAcquireLease();
    return super.acquireLease(consumerId, owner, ttlMs);
  }
}

/** A `stateStore` factory for openStores that hands its stores `probe`. */
export function probedStateStore(
  probe: StoreProbe,
): (place: Place, poolSize: number) => Promise<ConsumerStateStore> {
  return async (place, poolSize) => {
    if (place.kind === 'postgres') {
      const store = await ProbedPostgresStore.create(postgresOptions(place, poolSize));
      store.probe = probe;
      return store;
    }
    const store = new ProbedMysqlStore(mysqlOptions(place, poolSize));
    store.probe = probe;
    await store.init();
    return store;
  };
}
