/**
 * One instance of the raw Kafka system's domain, in a child process: a kafkajs consumer in the
 * domain group reads the request topic; each fetched batch runs the requests of one account one
 * after another and the accounts side by side (all partitions at once), answers each on its reply
 * topic, and is committed by kafkajs once all its answers are acknowledged. A command does
 * evento-ts's statements by hand (raw/commands.ts, with the account's state kept in memory as the
 * aggregate cache does); a query is the same primary-key lookup as the evento-ts projection's.
 */
import type { Batch, KafkaMessage } from 'kafkajs';
import { kafka } from '../../../harness/kafka';
import { closeIdle, PG_SCHEMA, runPool, setNamespace } from '../../../harness/databases';
import { serveParent, type ChildSettings } from '../../evento/distributed/childProtocol';
import { postgresCommand } from '../commands';
import { rawTables } from '../schema';
import { emptyState, type RawState } from '../state';
import { runJoined } from './joined';
import { OneInFlight } from './oneInFlight';
import { headerText, RAW_HEADERS, rawTopics, type RawAnswer, type RawRequest } from './protocol';

export async function runRawDomainChild(settings: ChildSettings): Promise<void> {
  setNamespace(settings.namespace);
  const topics = rawTopics(settings.topicPrefix);
  const tables = rawTables('postgres', settings.tablePrefix);
  const balances = `"${PG_SCHEMA}"."${settings.tablePrefix}balances"`;
  const pool = runPool({ max: settings.poolSize, application_name: 'evento-bench-raw' });
  const client = kafka(`evento-bench-raw-domain-${settings.instance}`);
  const producer = client.producer();
  const consumer = client.consumer({
    groupId: topics.domainGroup,
    maxWaitTimeInMs: 200,
    sessionTimeout: 6_000,
    heartbeatInterval: 1_200,
  });
  const replies = new Map<string, OneInFlight>();
  const states = new Map<string, RawState>();

  const execute = async (kind: string | undefined, request: RawRequest): Promise<number> => {
    if (kind === 'query') {
      const { rows } = await pool.query<{ balance: string }>({
        name: 'raw-balance',
        text: `SELECT balance FROM ${balances} WHERE id = $1`,
        values: [request.id],
      });
      if (rows[0] === undefined) throw new Error(`no account ${request.id}`);
      return Number(rows[0].balance);
    }
    const state = states.get(request.id) ?? emptyState();
    states.delete(request.id);
    const sequence = await postgresCommand(pool, tables, request.id, request.sentAt, state);
    state.balance += 1;
    state.deposits += 1;
    state.version += 1;
    states.set(request.id, state);
    return sequence;
  };

  const handle = async (message: KafkaMessage): Promise<void> => {
    const replyTo = headerText(message.headers, RAW_HEADERS.replyTo);
    const correlation = headerText(message.headers, RAW_HEADERS.correlation);
    let answer: RawAnswer;
    try {
      const request = JSON.parse(message.value?.toString() ?? 'null') as RawRequest;
      answer = { result: await execute(headerText(message.headers, RAW_HEADERS.kind), request) };
    } catch (error) {
      answer = { error: String(error) };
    }
    if (replyTo === undefined || correlation === undefined) return;
    let sender = replies.get(replyTo);
    if (sender === undefined) {
      sender = new OneInFlight(producer, replyTo);
      replies.set(replyTo, sender);
    }
    await sender.send({ value: JSON.stringify(answer), headers: { [RAW_HEADERS.correlation]: correlation } });
  };

  const handleBatch = async (batch: Batch): Promise<void> => {
    const byAccount = new Map<string, KafkaMessage[]>();
    for (const message of batch.messages) {
      const key = message.key?.toString() ?? '';
      const list = byAccount.get(key);
      if (list === undefined) byAccount.set(key, [message]);
      else list.push(message);
    }
    await Promise.all(
      [...byAccount.values()].map(async (messages) => {
        for (const message of messages) await handle(message);
      }),
    );
  };

  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.requests], fromBeginning: true });
  await runJoined(
    consumer,
    { partitionsConsumedConcurrently: 12, eachBatch: ({ batch }) => handleBatch(batch) },
    120_000,
  );

  serveParent({
    stamps: () => ({}),
    rest: () => closeIdle(pool),
    stop: async () => {
      await consumer.disconnect();
      await producer.disconnect();
      await pool.end();
    },
  });
}
