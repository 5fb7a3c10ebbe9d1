/**
 * The code samples of the relay section of docs/distributed.md (the regions below;
 * test/docs/samples.unit.test.ts checks the page shows them as they are), run against the broker:
 * a bundle relaying its accounts' events, and a plain kafkajs consumer reading them as a service
 * that is not an evento bundle would.
 */
// #region imports
import { EventoBundle, type ConsumerStateStore, type EventStore } from 'evento-ts';
import { KafkaEventRelay, KafkajsClient, RelayHeaders, type RelayedEvent } from 'evento-ts/kafka';
import { Kafka, type EachMessagePayload } from 'kafkajs';
// #endregion imports
import { logLevel } from 'kafkajs';
import { InMemoryConsumerStateStore, InMemoryEventStore } from 'evento-ts';
import { AccountAggregate, Deposit, OpenAccount } from '../domain/bank';
import { describeWithKafka, KAFKA_BROKERS, uniqueName } from '../support/kafka';
import { eventually } from '../support/waiting';

jest.setTimeout(60_000);

// #region relay
export async function startAccounts(
  kafka: Kafka, // new Kafka({ clientId: 'accounts', brokers: ['127.0.0.1:9092'] })
  eventStore: EventStore,
  consumerStateStore: ConsumerStateStore,
  topic: string,
) {
  const client = new KafkajsClient(kafka);
  return EventoBundle.builder()
    .setBundleId('accounts')
    .setComponents([AccountAggregate])
    .setEventStore(eventStore)
    .setConsumerStateStore(consumerStateStore) // where the relay keeps its offset
    .addEventRelay(
      new KafkaEventRelay({
        client,
        topic, // created when missing, with `partitions` partitions (default 1)
        partitions: 3,
        events: ['AccountOpened', 'Deposited'], // default: every event
      }),
    )
    .start();
}
// #endregion relay

// #region reader
/** A reader of the topic that is not an evento bundle: each event once, by event id. */
export function accountEventsReader(seen: Set<string>, onEvent: (event: RelayedEvent) => void) {
  return async ({ message }: EachMessagePayload): Promise<void> => {
    const eventId = message.headers?.[RelayHeaders.eventId]?.toString();
    if (eventId === undefined || seen.has(eventId)) return; // a re-published tail: seen already
    seen.add(eventId);
    const event = JSON.parse(message.value?.toString() ?? 'null') as RelayedEvent;
    onEvent(event); // event.payload holds the fields: { accountId, amount, ... }
  };
}
// #endregion reader

describeWithKafka()('the relay samples of docs/distributed.md', () => {
  it('relays the accounts events, which a plain kafkajs consumer reads once each', async () => {
    const topic = uniqueName('relay-docs');
    const kafka = new Kafka({
      clientId: uniqueName('accounts'),
      brokers: KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
    });
    const bundle = await startAccounts(
      kafka,
      new InMemoryEventStore(),
      new InMemoryConsumerStateStore(),
      topic,
    );
    const consumer = kafka.consumer({ groupId: uniqueName('reader') });
    const admin = kafka.admin();
    try {
      await bundle.commandGateway.send(new OpenAccount('a-1', 'ann'));
      await bundle.commandGateway.send(new Deposit('a-1', 5));
      await bundle.commandGateway.send(new Deposit('a-1', 7));
      await bundle.untilIdle();

      const events: RelayedEvent[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: accountEventsReader(new Set(), (event) => events.push(event)) });
      await eventually(() => events.length >= 3, { timeoutMs: 30_000, what: 'three events read' });
      expect(events.map((e) => [e.eventName, e.aggregateId, e.aggregateVersion, e.payload])).toEqual([
        [
          'AccountOpened',
          'a-1',
          1,
          { accountId: 'a-1', owner: 'ann', openedAt: { $date: '2026-01-01T00:00:00.000Z' } },
        ],
        ['Deposited', 'a-1', 2, { accountId: 'a-1', amount: 5 }],
        ['Deposited', 'a-1', 3, { accountId: 'a-1', amount: 7 }],
      ]);
    } finally {
      await consumer.disconnect();
      await bundle.stop();
      await admin.connect();
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    }
  });
});
