import { EventoChannels, traced } from '../diagnostics/channels';
import { ConcurrencyError, LeaseLostError, UnreadableEventError, type ErrorContext } from '../errors';
import { KeyedMutex } from '../internal/keyedMutex';
import type {
  ConsumerCommit,
  ConsumerErrorState,
  ConsumerState,
  ConsumerStateStore,
  DeadEvent,
} from '../stores/consumerStateStore';
import type { EventStore, StoredEvent } from '../stores/eventStore';
import type { EventProcessor, ProcessedEvent } from './eventProcessor';
import { backoffMs, isTransient } from './failures';
import { Signal } from './signal';

/** How one consumer runs. */
export interface ConsumerRunnerConfig {
  readonly consumerId: string;
  readonly componentName: string;
  readonly kind: 'projector' | 'saga' | 'observer' | 'relay';
  readonly context: string;
  readonly startFrom: 'beginning' | 'head';
  readonly batchSize: number;
  /** The lease holder's name: `bundleId:instanceId`. */
  readonly owner: string;
  readonly leaseTtlMs: number;
  /** Run handlers inside the commit's transaction (projectors). */
  readonly transactional: boolean;
  /** Reports a failure the runner handles itself; `where` lacks only the bundle id. */
  readonly onError: (error: unknown, where: Omit<ErrorContext, 'bundleId'>) => void;
}

/** A handler's failure, told apart from the store's own failures. */
class HandlerFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('handler failed');
  }
}

/**
 * Runs one consumer: holds its lease, reads the event stream after its offset in batches, has the
 * processor handle each event, and commits the offset (with saga states and dead events) so that
 * no event is lost or committed twice. Transient failures are retried without end and never move
 * the offset; other failures are retried per the handler's policy, then sent to the dead events.
 */
export class ConsumerRunner {
  private offset = 0;
  private version = 0;
  private enabled = true;
  private leaseHeld = false;
  /** Whether the loop has asked for the lease yet: until then the consumer may be about to run here. */
  private leaseTried = false;
  private caughtUpTo = -1;
  private errorState: ConsumerErrorState | null = null;
  private stopping = false;
  /** The stored state changed behind the loop's back (enabled flag): re-read it before the next fetch. */
  private stale = false;
  private readonly wake = new Signal();
  private readonly commits = new KeyedMutex();
  private loopDone: Promise<void> = Promise.resolve();
  private renewTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopWaiters: (() => void)[] = [];
  private idleWaiters: { target: number; resolve: () => void }[] = [];
  private headReachedOnce: (() => void) | undefined;
  readonly firstHeadReached: Promise<void>;

  constructor(
    readonly config: ConsumerRunnerConfig,
    private readonly eventStore: EventStore,
    private readonly stateStore: ConsumerStateStore,
    private readonly processor: EventProcessor,
    private readonly contexts: readonly string[] | undefined,
  ) {
    this.firstHeadReached = new Promise((resolve) => (this.headReachedOnce = resolve));
  }

  get id(): string {
    return this.config.consumerId;
  }

  /** Whether this instance holds the consumer's lease (and so runs it). */
  get running(): boolean {
    return this.leaseHeld && !this.stopping;
  }

  async start(): Promise<void> {
    const initial = this.config.startFrom === 'head' ? await this.eventStore.headSequence() : 0;
    this.adopt(await this.stateStore.ensureConsumer(this.id, initial));
    this.unsubscribe = this.eventStore.onAppend(() => this.wake.notify());
    const renewEvery = Math.max(50, Math.floor(this.config.leaseTtlMs / 3));
    this.renewTimer = setInterval(() => void this.renewLease(), renewEvery);
    this.renewTimer.unref();
    this.loopDone = this.loop();
  }

  /** Finishes the event in hand, commits, releases the lease and stops. */
  async stop(): Promise<void> {
    if (this.stopping) return this.loopDone;
    this.stopping = true;
    this.wake.notify();
    for (const resolve of this.stopWaiters.splice(0)) resolve();
    await this.loopDone;
    clearInterval(this.renewTimer);
    this.unsubscribe?.();
    for (const waiter of this.idleWaiters.splice(0)) waiter.resolve();
    this.headReachedOnce?.();
    if (this.leaseHeld) {
      this.leaseHeld = false;
      await this.stateStore
        .releaseLease(this.id, this.config.owner)
        .catch((e: unknown) => this.report(e, 'lease'));
    }
  }

  /** Resolves once this consumer has handled every event up to `sequence`, or when it does not run here. */
  untilCaughtUp(sequence: number): Promise<void> {
    const elsewhere = this.leaseTried && !this.leaseHeld;
    if (this.stopping || elsewhere || !this.enabled || this.caughtUpTo >= sequence) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push({ target: sequence, resolve }));
  }

  /** Wakes the consumer now, re-reading its state first (after an operator's change, such as enabling it). */
  poke(): void {
    this.stale = true;
    this.wake.notify();
  }

  /** Pauses or resumes the consumer here at once (the store already holds the change), so `untilIdle()` right after sees it. */
  applyEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.poke();
  }

  /** Handles a dead event again: removed on success; kept, with the new error, on failure (which rethrows). */
  async retryDeadEvent(dead: DeadEvent): Promise<void> {
    await this.commits.run('commit', async () => {
      if (!this.leaseHeld) {
        const lease = await this.stateStore.getLease(this.id);
        throw new LeaseLostError(
          `Consumer ${this.id} runs in another instance (${lease?.owner ?? 'none holds it now'}); retry its dead events there, or once this instance holds its lease.`,
          { context: { consumerId: this.id } },
        );
      }
      try {
        await this.commitEvents(
          [dead.event],
          this.offset,
          true,
          { number: dead.retries + 2, last: true },
          {
            deadEventRemovals: [dead.event.sequenceNumber],
          },
        );
      } catch (error) {
        if (!(error instanceof HandlerFailure)) throw error;
        await this.commit({
          deadEvents: [
            { ...dead, ...describeError(error.cause), deadAt: new Date(), retries: dead.retries + 1 },
          ],
        });
        throw error.cause;
      }
    });
  }

  private async refreshEnabled(): Promise<void> {
    const state = await this.stateStore.getConsumer(this.id);
    if (state !== undefined && state.enabled !== this.enabled) {
      this.enabled = state.enabled;
      if (this.enabled) this.wake.notify();
    }
  }

  private adopt(state: ConsumerState): void {
    this.offset = state.offset;
    this.version = state.version;
    this.enabled = state.enabled;
    this.errorState = state.error;
  }

  private async renewLease(): Promise<void> {
    if (this.stopping || !this.leaseHeld) return;
    try {
      this.leaseHeld = await this.stateStore.acquireLease(this.id, this.config.owner, this.config.leaseTtlMs);
      // Another instance may have paused or resumed the consumer: pick that up within a renewal.
      this.stale = true;
    } catch (error) {
      this.report(error, 'lease');
    }
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (!(await this.ensureLease())) continue;
        if (this.stale) {
          this.stale = false;
          await this.refreshEnabled();
        }
        if (!this.enabled) {
          this.settleIdle(this.caughtUpTo);
          await this.wake.wait(this.config.leaseTtlMs / 3);
          const state = await this.stateStore.getConsumer(this.id);
          if (state !== undefined) this.adopt(state);
          continue;
        }
        const head = await this.eventStore.headSequence();
        const batch = await this.eventStore.readStream({
          after: this.offset,
          limit: this.config.batchSize,
          contexts: this.contexts,
        });
        const reachedHead = batch.length < this.config.batchSize;
        const complete =
          batch.length === 0 ||
          (await this.commits.run('commit', () =>
            traced(
              EventoChannels.consumerBatch,
              () => this.batchContext(batch),
              () => this.processBatch(batch, reachedHead),
            ),
          ));
        failures = 0;
        // In memory a whole catch-up could run on microtasks alone: let timers and I/O in between batches.
        if (batch.length > 0) await new Promise((resolve) => setImmediate(resolve));
        if (!complete) continue;
        if (reachedHead) {
          this.settleIdle(Math.max(head, this.offset));
          if (batch.length === 0) await this.wake.wait(this.config.leaseTtlMs / 3);
        }
      } catch (error) {
        if (error instanceof LeaseLostError || error instanceof ConcurrencyError) {
          this.leaseHeld = false;
        } else {
          this.report(error, 'consumer');
        }
        await this.pause(backoffMs(failures++, 100));
      }
    }
  }

  private async ensureLease(): Promise<boolean> {
    if (this.leaseHeld) return true;
    this.leaseHeld = await this.stateStore.acquireLease(this.id, this.config.owner, this.config.leaseTtlMs);
    this.leaseTried = true;
    if (!this.leaseHeld) {
      // Releases the waiters (not running here) without claiming progress: after a takeover they must wait again.
      this.settleIdle(this.caughtUpTo);
      // Another instance runs it: `start()` must not wait for a catch-up that happens elsewhere.
      this.headReachedOnce?.();
      await this.pause(this.config.leaseTtlMs / 3);
      return false;
    }
    const state = await this.stateStore.getConsumer(this.id);
    if (state !== undefined) this.adopt(state);
    return true;
  }

  private settleIdle(caughtUpTo: number): void {
    if (caughtUpTo > this.caughtUpTo) this.caughtUpTo = caughtUpTo;
    if (this.leaseHeld) this.headReachedOnce?.();
    this.idleWaiters = this.idleWaiters.filter((w) => {
      if (this.caughtUpTo < w.target && this.leaseHeld && this.enabled) return true;
      w.resolve();
      return false;
    });
  }

  /** Handles a batch; resolves to false when it stopped early (stopping), with its progress committed. */
  private async processBatch(batch: readonly StoredEvent[], headReached: boolean): Promise<boolean> {
    const last = batch[batch.length - 1] as StoredEvent;
    const relevant = batch.filter((e) => this.processor.handles(e.eventName));
    if (relevant.length === 0) {
      await this.commit({ offset: last.sequenceNumber });
      return true;
    }
    if (this.processor.processBatch !== undefined && relevant.length > 1) {
      const outcome = await this.handleUntilDone(relevant, last.sequenceNumber, headReached);
      if (outcome !== 'split') return outcome === 'done';
      // A failure that was not transient: find the event at fault one event at a time.
    } else if (this.config.transactional && this.stateStore.atomicWork === true && relevant.length > 1) {
      try {
        // Not the last attempt: a failure goes through the batch again one event at a time.
        await this.commitEvents(relevant, last.sequenceNumber, headReached, { number: 1, last: false });
        return true;
      } catch (error) {
        if (!(error instanceof HandlerFailure)) throw error;
        // Nothing of the batch was written: go through it one event at a time.
      }
    }
    for (const event of relevant) {
      if (!(await this.processOne(event, headReached))) return false;
    }
    if (this.offset < last.sequenceNumber) await this.commit({ offset: last.sequenceNumber });
    return true;
  }

  /** Handles one event until it is committed or dead; resolves to false if stopped first. */
  private async processOne(event: StoredEvent, headReached: boolean): Promise<boolean> {
    return (await this.handleUntilDone([event], event.sequenceNumber, headReached)) === 'done';
  }

  /**
   * Handles `events` (one, or a whole batch for processors that take batches) and commits `offset`,
   * retrying transient failures without end. Another failure is retried per the retry policy of
   * the first event, then a single event goes to the dead events ('done'), while a batch is handed
   * back at once ('split') to be gone through one event at a time. 'stopped': stopped first.
   */
  private async handleUntilDone(
    events: readonly StoredEvent[],
    offset: number,
    headReached: boolean,
  ): Promise<'done' | 'split' | 'stopped'> {
    const first = events[0] as StoredEvent;
    const single = events.length === 1;
    let failures = 0;
    let transientFailures = 0;
    const { retry } = this.processor.retryPolicy(first.eventName);
    for (;;) {
      try {
        const attempt = {
          number: failures + transientFailures + 1,
          last: single && retry >= 0 && failures >= retry,
        };
        await this.commitEvents(events, offset, headReached, attempt);
        return 'done';
      } catch (error) {
        if (!(error instanceof HandlerFailure)) throw error;
        const cause = error.cause;
        await this.recordError(cause, first, failures + transientFailures + 1);
        if (isTransient(cause)) {
          await this.pause(backoffMs(transientFailures++, 100));
        } else {
          if (!single) return 'split';
          failures++;
          const { retry, retryDelay } = this.processor.retryPolicy(first.eventName);
          // A stored event that cannot be read stays so: retrying it only delays the events after it.
          if ((retry >= 0 && failures > retry) || cause instanceof UnreadableEventError) {
            await this.commit({
              offset: first.sequenceNumber,
              deadEvents: [
                {
                  consumerId: this.id,
                  event: first,
                  ...describeError(cause),
                  deadAt: new Date(),
                  retries: 0,
                },
              ],
              error: this.errorState,
            });
            return 'done';
          }
          await this.pause(backoffMs(failures - 1, retryDelay));
        }
        if (this.stopping) return 'stopped';
      }
    }
  }

  /**
   * Handles `events` and commits `offset` with what they changed. Projectors (transactional) run
   * inside the commit's transaction; sagas and observers run first, then commit.
   */
  private async commitEvents(
    events: readonly StoredEvent[],
    offset: number,
    headReached: boolean,
    attempt: { readonly number: number; readonly last: boolean },
    extra: Partial<ConsumerCommit> = {},
  ): Promise<void> {
    const handle = async (transaction: unknown): Promise<ProcessedEvent[]> => {
      const changes: ProcessedEvent[] = [];
      const step = {
        consumerId: this.id,
        attempt: attempt.number,
        lastAttempt: attempt.last,
        headReached,
        transaction,
      };
      if (this.processor.processBatch !== undefined) {
        try {
          return await this.processor.processBatch(events, step);
        } catch (error) {
          throw new HandlerFailure(error);
        }
      }
      for (const event of events) {
        try {
          changes.push(await this.processor.process(event, step));
        } catch (error) {
          throw new HandlerFailure(error);
        }
      }
      return changes;
    };
    const clearError = this.errorState === null ? {} : { error: null };
    if (this.config.transactional) {
      await this.commit(
        { ...extra, ...clearError, offset },
        async (transaction) => void (await handle(transaction)),
      );
      return;
    }
    const changes = await handle(undefined);
    await this.commit({
      ...extra,
      ...clearError,
      offset,
      sagaUpserts: changes.flatMap((c) => c.sagaUpserts),
      sagaDeletes: changes.flatMap((c) => c.sagaDeletes),
    });
  }

  private async commit(
    changes: Partial<ConsumerCommit>,
    work?: (transaction: unknown) => Promise<void>,
  ): Promise<void> {
    const commit: ConsumerCommit = {
      consumerId: this.id,
      owner: this.config.owner,
      expectedVersion: this.version,
      offset: this.offset,
      ...changes,
    };
    this.adopt(await this.stateStore.commit(commit, work));
  }

  private async recordError(cause: unknown, event: StoredEvent, attempt: number): Promise<void> {
    const now = new Date();
    this.errorState = {
      since: this.errorState?.since ?? now,
      lastErrorAt: now,
      count: (this.errorState?.count ?? 0) + 1,
      message: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
    };
    this.config.onError(cause, {
      kind: 'handler',
      component: this.config.componentName,
      consumerId: this.id,
      sequenceNumber: event.sequenceNumber,
      payloadName: event.eventName,
      aggregateId: event.aggregateId,
      attempt,
    });
    await this.stateStore
      .setError(this.id, this.errorState)
      .catch((e: unknown) => this.report(e, 'consumer'));
  }

  private report(error: unknown, kind: 'consumer' | 'lease'): void {
    this.config.onError(error, { kind, component: this.config.componentName, consumerId: this.id });
  }

  private batchContext(batch: readonly StoredEvent[]): object {
    return {
      consumerId: this.id,
      component: this.config.componentName,
      owner: this.config.owner,
      firstSequence: batch[0]?.sequenceNumber,
      lastSequence: batch[batch.length - 1]?.sequenceNumber,
      size: batch.length,
    };
  }

  /** Sleeps `ms`, or less if the consumer is being stopped. */
  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.stopWaiters = this.stopWaiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopWaiters.push(done);
    });
  }
}

function describeError(error: unknown): Pick<DeadEvent, 'errorName' | 'errorMessage' | 'errorStack'> {
  if (error instanceof Error)
    return { errorName: error.name, errorMessage: error.message, errorStack: error.stack };
  return { errorName: 'Error', errorMessage: String(error), errorStack: undefined };
}
