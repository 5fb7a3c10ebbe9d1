import type { BusEndpoint } from '../bus/messageBus';
import { HandlerLostError } from '../errors';
import type { CommandMessage } from '../messages/messages';
import type { WireCodec, WireContext } from '../wire/wireCodec';
import { BusHeaders } from './busHeaders';
import type { BusTopics } from './busTopics';
import { replyTopicOf } from './busTopics';
import { delay, FETCH_WAIT_MS, runUntilJoined } from './groupJoin';
import type { CommitPosition, IncomingMessage, KafkaClient, KafkaConsumer } from './kafkaClient';
import { KeyedQueue, PartitionProgress } from './partitionProgress';

/** What a RequestConsumer needs from its bus. */
export interface RequestConsumerDeps {
  readonly client: KafkaClient;
  readonly topics: BusTopics;
  readonly bundleId: string;
  readonly sessionTimeoutMs: number;
  readonly maxInFlight: number;
  readonly startTimeoutMs: number;
  readonly codecFor: (context: WireContext) => WireCodec;
  /** Sends an answer to a reply address. */
  readonly reply: (address: string, bytes: Uint8Array) => Promise<void>;
  readonly onError: (error: unknown) => void;
}

/** A request being handled here, so that closing the bus can still tell its caller. */
interface Running {
  readonly address: string;
  readonly messageId: string;
  readonly codec: WireCodec;
}

/** How long finished requests wait for their offset commit, so that one commit serves many. */
const COMMIT_EVERY_MS = 100;

/**
 * Reads one bundle's request topic as a member of the group its instances share, and hands each
 * request to one of the bundle's endpoints on this bus: the requests of one lock id (the Kafka
 * key) one after another in the order received, the others side by side, up to `maxInFlight` at
 * once. The group's offset is committed up to the first request not finished, every 100 ms while
 * requests finish and on leaving, so the group's next owner of a partition reads again only the
 * requests not finished here, or finished in the last 100 ms before a crash; the idempotency key
 * of a command then makes that second run return the first one's result.
 */
export class RequestConsumer {
  private readonly endpoints: BusEndpoint[] = [];
  private readonly progress = new Map<number, PartitionProgress>();
  private readonly queue = new KeyedQueue();
  private readonly running = new Set<Running>();
  /** Answers on their way, made before close(): it waits for them. */
  private readonly answering = new Set<Promise<void>>();
  private readonly slotWaiters: (() => void)[] = [];
  private consumer: KafkaConsumer | undefined;
  private accepted = 0;
  private turn = 0;
  private committing = false;
  private commitTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private closed = false;
  private idle: (() => void)[] = [];
  private disconnecting: Promise<void> | undefined;

  constructor(private readonly deps: RequestConsumerDeps) {}

  get topic(): string {
    return this.deps.topics.requests(this.deps.bundleId);
  }

  get endpointCount(): number {
    return this.endpoints.length;
  }

  add(endpoint: BusEndpoint): void {
    this.endpoints.push(endpoint);
  }

  remove(endpoint: BusEndpoint): void {
    const index = this.endpoints.indexOf(endpoint);
    if (index >= 0) this.endpoints.splice(index, 1);
  }

  /** Joins the bundle's group; resolves once this member has been given its partitions. */
  async start(): Promise<void> {
    const { client, topics, bundleId, sessionTimeoutMs, startTimeoutMs } = this.deps;
    const consumer = client.consumer({
      groupId: topics.requestGroup(bundleId),
      fromBeginning: true,
      sessionTimeoutMs,
      heartbeatIntervalMs: Math.max(100, Math.floor(sessionTimeoutMs / 5)),
      maxWaitTimeMs: FETCH_WAIT_MS,
    });
    this.consumer = consumer;
    consumer.onGroupJoin((join) => {
      const mine = new Set(join.assignment[this.topic] ?? []);
      for (const [partition, progress] of this.progress) {
        if (mine.has(partition)) progress.rejoined();
        else this.progress.delete(partition);
      }
    });
    await consumer.connect();
    await consumer.subscribe([this.topic]);
    await runUntilJoined(consumer, (m) => this.receive(m), startTimeoutMs, `Bundle '${bundleId}'`);
  }

  /**
   * Leaves the group once the requests running here are finished and answered (their offsets
   * committed), in the background. Requests taken but not started yet (waiting behind another of
   * their lock id, or for a slot) and requests read meanwhile are not run here: they are left to
   * the group's other members, who read them from the committed offset.
   */
  async leave(): Promise<void> {
    await this.untilIdle();
    if (this.closed) return; // close() took over
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    await this.commit();
    await this.disconnect();
  }

  /**
   * Leaves the group without waiting for handlers. The callers of requests still in their handler
   * are told the outcome is unknown (HandlerLostError); answers already made go out and are
   * committed, all before the bus's producer closes. Requests not started are left to the group.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    for (const wake of this.slotWaiters.splice(0)) wake();
    for (const resolve of this.idle.splice(0)) resolve();
    const answers = [...this.running].map((r) =>
      this.deps
        .reply(
          r.address,
          r.codec.encodeError(
            r.messageId,
            new HandlerLostError(
              `Bundle '${this.deps.bundleId}' closed its message bus while handling the request; the outcome is unknown ` +
                '(a command may have taken effect). Stop bundles before closing their bus, and retry only what is safe to repeat.',
            ),
          ),
        )
        .catch(() => undefined),
    );
    this.running.clear();
    await Promise.all([...answers, ...this.answering]);
    await this.commit().catch(() => undefined);
    await this.disconnect().catch(this.deps.onError);
  }

  /** Leaves the group once, whoever asks first (leave and close may both). */
  private disconnect(): Promise<void> {
    this.disconnecting ??= this.consumer?.disconnect() ?? Promise.resolve();
    return this.disconnecting;
  }

  private untilIdle(): Promise<void> {
    if (this.accepted === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async receive(message: IncomingMessage): Promise<void> {
    let progress = this.progress.get(message.partition);
    if (progress === undefined) {
      progress = new PartitionProgress();
      this.progress.set(message.partition, progress);
    }
    if (!progress.received(message.offset)) return; // read again after a rejoin: handled or running here
    const finished = progress;
    const finish = (): void => {
      finished.done(message.offset);
      this.scheduleCommit();
    };
    const deadline = Number(message.headers[BusHeaders.deadline]);
    if (message.value === null || (Number.isFinite(deadline) && Date.now() >= deadline)) {
      finish(); // expired: never run; its caller has stopped waiting
      return;
    }
    if (this.closed || this.endpoints.length === 0) return; // left for the group's next owner
    if (this.accepted >= this.deps.maxInFlight)
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    this.accepted++;
    this.queue.run(message.key, () =>
      this.execute(message, finished, finish).then(
        () => this.release(),
        (error: unknown) => {
          this.deps.onError(error);
          finish();
          this.release();
        },
      ),
    );
  }

  private release(): void {
    this.accepted--;
    this.slotWaiters.shift()?.();
    if (this.accepted === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /**
   * The endpoint to run a request on when its turn comes, or undefined when it must not start
   * here: the bus is closing, the bundle's last endpoint was unbound (its bundle stops), or the
   * request's partition went to another member in a rebalance. Such a request stays unfinished,
   * so the offset committed stays below it and the partition's next owner reads and runs it.
   */
  private endpointFor(partition: number, progress: PartitionProgress): BusEndpoint | undefined {
    if (this.closed || this.endpoints.length === 0 || this.progress.get(partition) !== progress)
      return undefined;
    return this.endpoints[this.turn++ % this.endpoints.length];
  }

  /** Runs one request and answers it; `finish` marks it handled, once its answer went out. */
  private async execute(
    message: IncomingMessage,
    progress: PartitionProgress,
    finish: () => void,
  ): Promise<void> {
    const endpoint = this.endpointFor(message.partition, progress);
    if (endpoint === undefined) return;
    const codec = this.deps.codecFor(endpoint.wire);
    const headerAddress = this.validAddress(message.headers[BusHeaders.replyTo]);
    let request;
    try {
      request = codec.decodeRequest(message.value as Buffer);
    } catch (error) {
      // Not executed: the caller hears why (a damaged message, a payload this bundle cannot revive).
      if (headerAddress !== undefined)
        await this.deps.reply(
          headerAddress,
          codec.encodeError(message.headers[BusHeaders.messageId] ?? '', error),
        );
      finish();
      return;
    }
    if (request.deadline !== undefined && Date.now() >= request.deadline) {
      finish();
      return;
    }
    const address = this.validAddress(request.replyTo) ?? headerAddress;
    const id = request.message.messageId;
    const running: Running = { address: address ?? '', messageId: id, codec };
    if (address !== undefined) this.running.add(running);
    let answer: Uint8Array;
    try {
      const result =
        request.kind === 'command'
          ? await endpoint.handleCommand(request.message as CommandMessage)
          : await endpoint.handleQuery(request.message);
      answer = codec.encodeResponse(id, result);
    } catch (error) {
      answer = codec.encodeError(id, error);
    }
    // After close() the caller was already told; the answer would find no producer.
    if (address === undefined || !this.running.delete(running)) {
      finish();
      return;
    }
    // Tracked until handled, so that close() lets the answers already made go out and commits them.
    const answered = this.answer(address, answer, request.deadline).then(finish, (error: unknown) => {
      try {
        this.deps.onError(error);
      } finally {
        finish();
      }
    });
    this.answering.add(answered);
    await answered;
    this.answering.delete(answered);
  }

  /**
   * Sends an answer, trying again (the broker may be failing over) until the caller's deadline:
   * after it, nobody waits for the answer.
   */
  private answer(address: string, bytes: Uint8Array, deadline: number | undefined): Promise<void> {
    // The first try without an async frame: most answers go out at once.
    let sent: Promise<void>;
    try {
      sent = this.deps.reply(address, bytes);
    } catch (error) {
      return this.answerAgain(address, bytes, deadline, error);
    }
    return sent.catch((error: unknown) => this.answerAgain(address, bytes, deadline, error));
  }

  /** The tries after a first failed one, with growing pauses, until the deadline. */
  private async answerAgain(
    address: string,
    bytes: Uint8Array,
    deadline: number | undefined,
    failed: unknown,
  ): Promise<void> {
    let error = failed;
    for (let attempt = 1; ; attempt++) {
      const pause = Math.min(1_000, 50 * 2 ** attempt);
      if (this.closed || deadline === undefined || Date.now() + pause >= deadline) throw error;
      await delay(pause);
      try {
        await this.deps.reply(address, bytes);
        return;
      } catch (next) {
        error = next;
      }
    }
  }

  private validAddress(address: string | undefined): string | undefined {
    if (address === undefined) return undefined;
    const topic = replyTopicOf(address);
    return topic !== undefined && this.deps.topics.isReplyTopic(topic) ? address : undefined;
  }

  /**
   * Commits what finished, at most every {@link COMMIT_EVERY_MS}: one offset commit (a request to
   * the broker and a write to its offsets topic) for all the requests finished meanwhile instead of
   * one each. What finished since the last commit is read again after a crash or a rebalance, and
   * is harmless: a command's idempotency key returns its first result, and its caller has had it.
   */
  private scheduleCommit(): void {
    if (this.commitTimer !== undefined || this.closed) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      this.commitNow();
    }, COMMIT_EVERY_MS);
    this.commitTimer.unref();
  }

  private commitNow(): void {
    if (this.committing) {
      this.dirty = true;
      return;
    }
    this.committing = true;
    void this.commit().finally(() => {
      this.committing = false;
      if (this.dirty && !this.closed) {
        this.dirty = false;
        this.scheduleCommit();
      }
    });
  }

  private async commit(): Promise<void> {
    const positions: CommitPosition[] = [];
    for (const [partition, progress] of this.progress) {
      const offset = progress.toCommit();
      if (offset !== undefined) positions.push({ topic: this.topic, partition, offset });
    }
    if (positions.length === 0 || this.consumer === undefined) return;
    try {
      await this.consumer.commit(positions);
      for (const p of positions) this.progress.get(p.partition)?.committedAt(p.offset);
    } catch (error) {
      // A rebalance took the partition: its next owner reads from the last committed offset.
      this.deps.onError(error);
    }
  }
}
