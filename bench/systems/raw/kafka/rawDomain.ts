/**
 * One instance of the raw Kafka system's domain, in a child process: a kafkajs consumer in the
 * domain group reads the request topic; each fetched batch runs the requests of one account one
 * after another and the accounts side by side (all partitions at once), answers each on its reply
 * topic, and the handled offsets are committed by hand at most every 100 ms (PeriodicCommit), as
 * evento-ts's request consumer commits. A command is rawAppend.ts's; a query is the same
 * primary-key lookup as the evento-ts projection's.
 */
import type { Batch, KafkaMessage } from 'kafkajs';
import { PG_SCHEMA, pgPool, setNamespace } from '../../../harness/databases';
import { kafka, PARTITIONS } from '../../../harness/kafka';
import { serveParent, type ChildSettings } from '../../evento/distributed/childProtocol';
import { runJoined } from './joined';
import { OneInFlight } from './oneInFlight';
import { PeriodicCommit } from './periodicCommit';
import { RawDeposits } from './rawAppend';
import { headerText, RAW_HEADERS, rawTopics, type RawAnswer, type RawRequest } from './protocol';

export async function runRawDomainChild(settings: ChildSettings): Promise<void> {
  setNamespace(settings.namespace);
  const topics = rawTopics(settings.topicPrefix);
  const balances = `"${PG_SCHEMA}"."${settings.tablePrefix}balances"`;
  const pool = pgPool({
    max: settings.poolSize,
    idleTimeoutMillis: 1000, // as the other domains' pools (see domainSide.ts)
    application_name: 'evento-bench-raw',
  });
  const deposits = new RawDeposits(pool, settings.tablePrefix);
  const client = kafka(`evento-bench-raw-domain-${settings.instance}`);
  const producer = client.producer();
  // The settings of the benchmark's KafkaMessageBus request consumers.
  const consumer = client.consumer({
    groupId: topics.domainGroup,
    maxWaitTimeInMs: 200,
    sessionTimeout: 6_000,
    heartbeatInterval: 1_200,
  });
  const replies = new Map<string, OneInFlight>();
  const commits = new PeriodicCommit(consumer);

  const execute = async (kind: string | undefined, request: RawRequest, key: string): Promise<number> => {
    if (kind === 'command') return deposits.deposit(request.id, request.sentAt, key);
    if (kind !== 'query') throw new Error(`unknown request kind ${String(kind)}`);
    const { rows } = await pool.query<{ balance: string }>({
      name: 'raw-balance',
      text: `SELECT balance FROM ${balances} WHERE id = $1`,
      values: [request.id],
    });
    if (rows[0] === undefined) throw new Error(`no account ${request.id}`);
    return Number(rows[0].balance);
  };

  const handle = async (message: KafkaMessage): Promise<void> => {
    const replyTo = headerText(message.headers, RAW_HEADERS.replyTo);
    const correlation = headerText(message.headers, RAW_HEADERS.correlation);
    if (replyTo === undefined || correlation === undefined) return;
    let answer: RawAnswer;
    try {
      const request = JSON.parse(message.value?.toString() ?? 'null') as RawRequest;
      answer = { result: await execute(headerText(message.headers, RAW_HEADERS.kind), request, correlation) };
    } catch (error) {
      answer = { error: String(error) };
    }
    let sender = replies.get(replyTo);
    if (sender === undefined) {
      sender = new OneInFlight(producer, replyTo);
      replies.set(replyTo, sender);
    }
    await sender.send({ value: JSON.stringify(answer), headers: { [RAW_HEADERS.correlation]: correlation } });
  };

  /** One account's requests one after another, the accounts side by side; heartbeats between. */
  const handleBatch = async (batch: Batch, heartbeat: () => Promise<void>): Promise<void> => {
    const byAccount = new Map<string, KafkaMessage[]>();
    for (const message of batch.messages) {
      const key = message.key?.toString() ?? '';
      const list = byAccount.get(key);
      if (list === undefined) byAccount.set(key, [message]);
      else list.push(message);
    }
    // Settled, not all: a failed heartbeat must not let the batch be read again while other
    // accounts' requests still run (two commands of one account would then overlap).
    const results = await Promise.allSettled(
      [...byAccount.values()].map(async (messages) => {
        for (const message of messages) {
          await handle(message);
          await heartbeat();
        }
      }),
    );
    for (const result of results) if (result.status === 'rejected') throw result.reason;
    if (batch.messages.length > 0) commits.handled(batch.topic, batch.partition, batch.lastOffset());
  };

  const stop = async (): Promise<void> => {
    await commits.stop().catch(() => undefined);
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await pool.end();
  };
  try {
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.requests], fromBeginning: true });
    await runJoined(
      consumer,
      {
        autoCommit: false,
        partitionsConsumedConcurrently: PARTITIONS,
        eachBatch: ({ batch, heartbeat }) => handleBatch(batch, heartbeat),
      },
      120_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  serveParent(() => ({}), stop);
}
