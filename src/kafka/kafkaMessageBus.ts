import { randomUUID } from 'node:crypto';
import {
  closedError,
  closedWhileWaiting,
  deadlineOf,
  deadlinePassed,
  noHandlerError,
  ownershipConflict,
} from '../bus/busErrors';
import { clusterOf } from '../bus/cluster';
import type { BusEndpoint, BusRequestOptions, ClusterBundle, MessageBus } from '../bus/messageBus';
import { BrokerUnavailableError, ConfigurationError, DeliveryError, HandlerLostError } from '../errors';
import type { CommandMessage, QueryMessage } from '../messages/messages';
import { PayloadRegistry } from '../messages/payloadRegistry';
import type { QueryResponse } from '../messages/payloads';
import { CodecCache } from '../wire/codecCache';
import type { WireCodec, WireContext } from '../wire/wireCodec';
import type { Announcement, DiscoveryRecord } from './announcement';
import { BusHeaders } from './busHeaders';
import { BusTopics, replyAddress, replyTopicOf } from './busTopics';
import { Directory } from './directory';
import { Discovery } from './discovery';
import { FETCH_WAIT_MS, runUntilJoined } from './groupJoin';
import type { IncomingMessage, KafkaAdmin, KafkaClient, KafkaConsumer, KafkaProducer } from './kafkaClient';
import { CoalescingProducer } from './coalescingProducer';
import { checkBusOptions, type KafkaMessageBusOptions, type ResolvedBusOptions } from './kafkaBusOptions';
import { RequestConsumer } from './requestConsumer';

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** A caller waiting for its answer, by reply address. */
interface Waiting {
  readonly what: string;
  readonly codec: WireCodec;
  settle(outcome: Outcome): void;
}

/**
 * A MessageBus between processes over Apache Kafka. Bundles bound to buses of one topic prefix
 * send each other commands and queries, wherever they run:
 *
 * - a command goes to its bundle's request topic keyed by its lock id (the aggregate id of a
 *   domain command), so the commands of one aggregate are handled by one instance at a time, in
 *   order; a query goes to any instance of its bundle; the answer goes to the asking bus's own
 *   reply topic;
 * - each instance announces itself on the discovery topic (bundle, version, instance id, handled
 *   names) and is dropped by the others when it stops announcing for `instanceTimeoutMs`;
 *   sending a name no live bundle handles fails at once with NoHandlerError;
 * - delivery is at least once, effect once: a command read again after a rebalance or a crash is
 *   recognised by its idempotency key and returns the first execution's result.
 *
 * See docs/distributed.md for the topology, the guarantees and the settings.
 */
export class KafkaMessageBus implements MessageBus {
  /** This bus's id: its reply topic and private groups are named after it. */
  readonly busId = randomUUID();
  private readonly options: ResolvedBusOptions;
  private readonly topics: BusTopics;
  private readonly directory: Directory;
  private readonly discovery: Discovery;
  private readonly client: KafkaClient;
  private readonly consumers = new Map<string, RequestConsumer>();
  private readonly local = new Set<BusEndpoint>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly anonymous: WireContext = { payloads: new PayloadRegistry() };
  private readonly codecs: CodecCache;
  private readonly leaving = new Map<RequestConsumer, Promise<void>>();
  private producer: KafkaProducer | undefined;
  private admin: KafkaAdmin | undefined;
  private replies: KafkaConsumer | undefined;
  private started: Promise<void> | undefined;
  /** Set once `start` has finished: requests may then skip waiting for it. */
  private connected = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private requests = 0;
  /** Reply topics of instances dropped as dead, and when: deleted after a grace period. */
  private readonly condemned = new Map<string, number>();
  private dropping = false;
  private closed = false;

  constructor(options: KafkaMessageBusOptions) {
    this.options = checkBusOptions(options);
    this.client = options.client;
    this.topics = new BusTopics(this.options.topicPrefix);
    this.directory = new Directory(this.options.instanceTimeoutMs, this.busId);
    this.discovery = new Discovery({
      client: this.client,
      topics: this.topics,
      busId: this.busId,
      directory: this.directory,
      send: (topic, messages) => this.producerOrThrow().send(topic, messages),
      sessionTimeoutMs: this.options.sessionTimeoutMs,
    });
    this.codecs = new CodecCache(this.options.maxMessageBytes);
    this.codecFor(this.anonymous); // checks maxMessageBytes now
  }

  /**
   * Connects: creates the discovery and reply topics if missing, joins them, and reads what other
   * instances announced. `bind` and the sends call it; call it yourself to fail early.
   */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(closedError('connect'));
    this.started ??= this.start();
    return this.started;
  }

  async bind(endpoint: BusEndpoint): Promise<void> {
    await this.connect();
    if (this.closed) throw closedError(`bind bundle '${endpoint.bundleId}'`);
    // What others announced just before is known after this.
    await this.discovery.sync(this.options.startTimeoutMs);
    this.checkOwnership(endpoint);
    let consumer = this.consumers.get(endpoint.bundleId);
    if (consumer === undefined) {
      await this.admin?.createTopics([
        { topic: this.topics.requests(endpoint.bundleId), partitions: this.options.partitions },
      ]);
      consumer = this.requestConsumer(endpoint.bundleId);
      consumer.add(endpoint);
      this.consumers.set(endpoint.bundleId, consumer);
      try {
        await consumer.start();
      } catch (error) {
        this.consumers.delete(endpoint.bundleId);
        await consumer.close().catch(() => undefined);
        throw error;
      }
    } else {
      consumer.add(endpoint);
    }
    this.local.add(endpoint);
    const announcement = this.announcementOf(endpoint);
    this.directory.bindLocal(announcement, Date.now());
    await this.discovery.publish([announcement]);
  }

  async unbind(endpoint: BusEndpoint): Promise<void> {
    if (!this.local.delete(endpoint)) return;
    this.directory.withdraw(endpoint.instanceId);
    const consumer = this.consumers.get(endpoint.bundleId);
    consumer?.remove(endpoint);
    if (consumer !== undefined && consumer.endpointCount === 0) {
      this.consumers.delete(endpoint.bundleId);
      const leaving: Promise<void> = consumer
        .leave()
        .catch((error: unknown) => this.options.onError(error))
        .finally(() => this.leaving.delete(consumer));
      this.leaving.set(consumer, leaving);
    }
    if (!this.closed) {
      await this.discovery
        .publish([{ kind: 'withdraw', busId: this.busId, instanceId: endpoint.instanceId }])
        .catch((error: unknown) => this.options.onError(error));
    }
  }

  sendCommand(message: CommandMessage, options: BusRequestOptions): Promise<unknown> {
    return this.request('command', message, message.lockId ?? null, options);
  }

  sendQuery(message: QueryMessage, options: BusRequestOptions): Promise<QueryResponse<unknown>> {
    return this.request('query', message, null, options) as Promise<QueryResponse<unknown>>;
  }

  cluster(): ClusterBundle[] {
    return clusterOf(this.directory.instances(Date.now()));
  }

  /**
   * Withdraws this bus's instances, ends the requests waiting for an answer with HandlerLostError
   * (and tells the callers of requests still running here the same), leaves the groups, deletes
   * its reply topic and disconnects. Later calls fail with DeliveryError.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    const withdrawals = [...this.local].map((e) => ({
      kind: 'withdraw' as const,
      busId: this.busId,
      instanceId: e.instanceId,
    }));
    this.local.clear();
    await this.started?.catch(() => undefined);
    // Consumers still finishing what they took after an unbind are closed too: close() is bounded.
    const consumers = [...this.consumers.values(), ...this.leaving.keys()];
    this.consumers.clear();
    // Each step is bounded: a client that does not answer must not keep close() waiting.
    await settledWithin(CLOSE_STEP_MS, [
      this.discovery.publish(withdrawals),
      ...consumers.map((c) => c.close()),
      this.discovery.stop(),
      this.replies?.disconnect(),
    ]);
    await settledWithin(CLOSE_STEP_MS, [
      ...this.leaving.values(),
      this.admin?.deleteTopics([this.topics.replies(this.busId)]),
    ]);
    await settledWithin(CLOSE_STEP_MS, [this.producer?.disconnect(), this.admin?.disconnect()]);
    // Ended last, so that a caller awaiting close() before its request sees the rejection handled.
    for (const w of [...this.waiting.values()]) w.settle({ ok: false, error: closedWhileWaiting(w.what) });
  }

  private async start(): Promise<void> {
    const { startTimeoutMs } = this.options;
    const admin = this.client.admin();
    this.admin = admin;
    await admin.connect();
    await admin.createTopics([
      {
        topic: this.topics.discovery,
        partitions: 1,
        config: {
          'cleanup.policy': 'compact,delete',
          'retention.ms': String(Math.max(3_600_000, this.options.instanceTimeoutMs * 10)),
          'segment.ms': '600000',
        },
      },
      { topic: this.topics.replies(this.busId), partitions: 1 },
    ]);
    const producer = new CoalescingProducer(this.client.producer());
    this.producer = producer;
    await producer.connect();
    const replies = this.client.consumer({
      groupId: this.topics.privateGroup('replies', this.busId),
      fromBeginning: true,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      heartbeatIntervalMs: Math.max(100, Math.floor(this.options.sessionTimeoutMs / 5)),
      maxWaitTimeMs: FETCH_WAIT_MS,
    });
    this.replies = replies;
    await replies.connect();
    await replies.subscribe([this.topics.replies(this.busId)]);
    await runUntilJoined(replies, (m) => this.receiveReply(m), startTimeoutMs, 'The reply reader');
    await this.discovery.start(startTimeoutMs);
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
    this.heartbeat.unref();
    this.connected = true;
  }

  /** How long a dead instance's reply topic is kept: six instance timeouts, at least a minute. */
  private get replyTopicGraceMs(): number {
    return Math.max(60_000, this.options.instanceTimeoutMs * 6);
  }

  /** Announces this bus's instances again, and drops (and cleans up after) those gone quiet. */
  private beat(): void {
    if (this.closed) return;
    // A ping too: every bus writes each heartbeat, which keeps every reader's clock going.
    const records: DiscoveryRecord[] = [...this.local].map((e) => this.announcementOf(e));
    records.push({ kind: 'ping', busId: this.busId, id: 'heartbeat' });
    this.discovery.publish(records).catch((error: unknown) => this.options.onError(error));
    if (!this.dropping && (this.condemned.size > 0 || this.directory.anyExpired())) {
      this.dropping = true;
      void this.dropSilent()
        .catch((error: unknown) => this.options.onError(error))
        .finally(() => (this.dropping = false));
    }
  }

  /**
   * Drops the instances gone quiet and deletes their reply topics. What looks quiet may only be
   * unread: after a pause of this process (a long GC pause, SIGSTOP, a suspended VM) no
   * announcement made meanwhile has been read yet, and every other instance looks dead. So the
   * discovery topic is read up to now first, and only those still quiet then are dropped; deleting
   * the reply topic of a live bus would leave its callers without answers.
   */
  private async dropSilent(): Promise<void> {
    await this.discovery.sync(this.options.startTimeoutMs);
    if (this.closed) return;
    const now = Date.now();
    for (const dropped of this.directory.dropExpired())
      if (this.topics.isReplyTopic(dropped.replyTopic) && !this.condemned.has(dropped.replyTopic))
        this.condemned.set(dropped.replyTopic, now);
    // A reply topic outlives its bus's silence by a grace period: a bus that was only paused
    // longer than the instance timeout comes back to its answers.
    const ripe: string[] = [];
    for (const [topic, since] of this.condemned) {
      if (this.directory.hasReplyTopic(topic)) this.condemned.delete(topic);
      else if (now - since >= this.replyTopicGraceMs) ripe.push(topic);
    }
    if (ripe.length === 0) return;
    for (const topic of ripe) this.condemned.delete(topic);
    await this.admin?.deleteTopics(ripe).catch((error: unknown) => {
      // Another bus of the cluster deleted it first.
      if (!(error instanceof ConfigurationError)) throw error;
    });
  }

  private announcementOf(endpoint: BusEndpoint): Announcement {
    return {
      kind: 'announce',
      busId: this.busId,
      bundleId: endpoint.bundleId,
      bundleVersion: endpoint.bundleVersion ?? null,
      instanceId: endpoint.instanceId,
      commandNames: endpoint.commandNames,
      queryNames: endpoint.queryNames,
      replyTopic: this.topics.replies(this.busId),
    };
  }

  private checkOwnership(endpoint: BusEndpoint): void {
    for (const kind of ['command', 'query'] as const) {
      const names = kind === 'command' ? endpoint.commandNames : endpoint.queryNames;
      for (const other of this.local) {
        if (other.bundleId === endpoint.bundleId) continue;
        const otherNames = kind === 'command' ? other.commandNames : other.queryNames;
        const name = names.find((n) => otherNames.includes(n));
        if (name !== undefined)
          throw ownershipConflict(kind, name, other.bundleId, endpoint.bundleId, 'on this bus');
      }
      const claimant = this.directory.claimant(kind, names, endpoint.bundleId);
      if (claimant !== undefined)
        throw ownershipConflict(
          kind,
          claimant.name,
          claimant.bundleId,
          endpoint.bundleId,
          `in the cluster of topic prefix '${this.topics.prefix}'`,
        );
    }
  }

  private requestConsumer(bundleId: string): RequestConsumer {
    return new RequestConsumer({
      client: this.client,
      topics: this.topics,
      bundleId,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      maxInFlight: this.options.maxInFlight,
      startTimeoutMs: this.options.startTimeoutMs,
      codecFor: (context) => this.codecFor(context),
      reply: (address, bytes) => this.sendReply(address, bytes),
      onError: (error) => this.options.onError(error),
    });
  }

  /**
   * Sends a request and waits for its answer. The deadline bounds everything, connecting and
   * looking up the owner included: the caller hears by then, whatever is still under way.
   */
  private request(
    kind: 'command' | 'query',
    message: CommandMessage | QueryMessage,
    key: string | null,
    options: BusRequestOptions,
  ): Promise<unknown> {
    const what = `The ${kind} ${message.payloadName}`;
    if (this.closed) return Promise.reject(closedError(`send ${what}`));
    const deadline = deadlineOf(options);
    if (deadline !== undefined && Date.now() >= deadline)
      return Promise.reject(deadlinePassed(what, deadline, options));
    const codec = this.codecFor(options.wire ?? this.anonymous);
    const address = replyAddress(this.topics.replies(this.busId), ++this.requests);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = (outcome: Outcome): void => {
        clearTimeout(timer);
        this.waiting.delete(address);
        if (outcome.ok) resolve(outcome.value);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a handler may throw anything; the caller gets it as re-created
        else reject(outcome.error);
      };
      this.waiting.set(address, { what, codec, settle });
      if (deadline !== undefined) {
        timer = setTimeout(
          () =>
            this.waiting.get(address)?.settle({ ok: false, error: deadlinePassed(what, deadline, options) }),
          Math.max(0, deadline - Date.now()),
        );
      }
      this.deliver(kind, message, key, deadline, address, codec).catch((error: unknown) =>
        this.waiting.get(address)?.settle({ ok: false, error }),
      );
    });
  }

  /**
   * Finds the owner and writes the request to its topic; rejects with the error its caller gets.
   * Once connected, with the owner known, it writes at once (no async frame: this runs per request).
   */
  private deliver(
    kind: 'command' | 'query',
    message: CommandMessage | QueryMessage,
    key: string | null,
    deadline: number | undefined,
    address: string,
    codec: WireCodec,
  ): Promise<void> {
    const owner = this.connected ? this.directory.owner(kind, message.payloadName) : undefined;
    if (owner !== undefined) return this.write(kind, message, key, deadline, address, codec, owner);
    return this.ownerOnceConnected(kind, message.payloadName).then((bundleId) =>
      this.write(kind, message, key, deadline, address, codec, bundleId),
    );
  }

  /** The owner of `name` once the bus is connected; rejects with the error its sender gets. */
  private async ownerOnceConnected(kind: 'command' | 'query', name: string): Promise<string> {
    try {
      await this.connect();
      return await this.ownerOf(kind, name);
    } catch (error) {
      // Nothing was written: not delivered (NoHandlerError and the like pass as they are).
      throw error instanceof BrokerUnavailableError ? notSent(`The ${kind} ${name}`, error) : error;
    }
  }

  /** Encodes the request and writes it to `bundleId`'s request topic. */
  private write(
    kind: 'command' | 'query',
    message: CommandMessage | QueryMessage,
    key: string | null,
    deadline: number | undefined,
    address: string,
    codec: WireCodec,
    bundleId: string,
  ): Promise<void> {
    const what = `The ${kind} ${message.payloadName}`;
    let sent: Promise<void>;
    try {
      if (this.closed) throw closedError(`send ${what}`);
      const bytes = codec.encodeRequest(message, { deadline, replyTo: address });
      const headers: Record<string, string> = {
        [BusHeaders.replyTo]: address,
        [BusHeaders.messageId]: message.messageId,
        [BusHeaders.kind]: kind,
        [BusHeaders.payloadName]: message.payloadName,
      };
      if (deadline !== undefined) headers[BusHeaders.deadline] = String(deadline);
      try {
        sent = this.producerOrThrow().send(this.topics.requests(bundleId), [
          { key, value: asBuffer(bytes), headers },
        ]);
      } catch (error) {
        throw notSent(what, error);
      }
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rejected as it was thrown
      return Promise.reject(error);
    }
    return sent.catch((error: unknown) => {
      throw notSent(what, error);
    });
  }

  /** The bundle handling `name`; when none is known, reads discovery up to now once before failing. */
  private async ownerOf(kind: 'command' | 'query', name: string): Promise<string> {
    let owner = this.directory.owner(kind, name);
    if (owner === undefined) {
      await this.discovery.sync(this.options.startTimeoutMs);
      owner = this.directory.owner(kind, name);
    }
    if (owner === undefined)
      throw noHandlerError(kind, name, `in the cluster of topic prefix '${this.topics.prefix}'`);
    return owner;
  }

  /** Sends an answer; returns the send's own promise (no async frame of its own: one per answer). */
  private sendReply(address: string, bytes: Uint8Array): Promise<void> {
    try {
      const topic = replyTopicOf(address);
      if (topic === undefined)
        throw new DeliveryError(`The reply address ${JSON.stringify(address)} names no topic.`);
      return this.producerOrThrow().send(topic, [
        { key: null, value: asBuffer(bytes), headers: { [BusHeaders.replyTo]: address } },
      ]);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrown as it was thrown
      return Promise.reject(error);
    }
  }

  private receiveReply(message: IncomingMessage): Promise<void> {
    const address = message.headers[BusHeaders.replyTo];
    const waiting = address === undefined ? undefined : this.waiting.get(address);
    if (waiting === undefined || message.value === null) return Promise.resolve(); // late or foreign: dropped
    try {
      const reply = waiting.codec.decodeReply(message.value);
      waiting.settle(
        reply.kind === 'response' ? { ok: true, value: reply.result } : { ok: false, error: reply.error },
      );
    } catch (error) {
      waiting.settle({ ok: false, error });
    }
    return Promise.resolve();
  }

  private producerOrThrow(): KafkaProducer {
    if (this.producer === undefined) throw closedError('send');
    return this.producer;
  }

  private codecFor(context: WireContext): WireCodec {
    return this.codecs.for(context);
  }
}

/** How long each step of `close()` may take. */
const CLOSE_STEP_MS = 10_000;

/** Resolves once every promise settled, or after `ms`, whichever comes first. */
async function settledWithin(ms: number, promises: readonly (Promise<unknown> | undefined)[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(promises.filter((p): p is Promise<unknown> => p !== undefined)),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

/** A request the producer could not write: not delivered when the broker was unreachable. */
function notSent(what: string, error: unknown): DeliveryError | HandlerLostError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof BrokerUnavailableError || error instanceof ConfigurationError) {
    return new DeliveryError(
      `${what} could not be sent to Kafka (${error.message}); it was not delivered. Send it again once the broker is reachable.`,
      { cause: error },
    );
  }
  return new HandlerLostError(
    `${what} may or may not have reached Kafka (${error instanceof Error ? error.message : String(error)}); the outcome is unknown. ` +
      'Retry only what is safe to repeat (a command with the same idempotency key is executed once).',
    { cause: error },
  );
}

/** `bytes` as a Buffer over the same memory (the codec's bytes are one already): no copy. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
