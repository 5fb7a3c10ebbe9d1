/**
 * What KafkaEventRelay checks before it runs (each wrong option named, with its fix) and how it
 * writes an event as a message (key, JSON value, headers), without a broker.
 */
import { Kafka, logLevel } from 'kafkajs';
import { ConfigurationError, InvalidArgumentError, UnreadableEventError, type StoredEvent } from '../../src';
import { KafkaEventRelay, KafkajsClient, RelayHeaders, type KafkaEventRelayOptions } from '../../src/kafka';
import { relayedMessage } from '../../src/kafka/relayedEvent';

const client = new KafkajsClient(new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING }));

function relay(options: Partial<KafkaEventRelayOptions>): KafkaEventRelay {
  return new KafkaEventRelay({ client, topic: 'orders', ...options });
}

const stored: StoredEvent = {
  eventId: '0190a5b2-7c3e-7000-8000-000000000001',
  eventName: 'OrderPlaced',
  context: 'default',
  payload: '{"orderId":"o-1","placedAt":{"$date":"2026-01-01T00:00:00.000Z"}}',
  metadata: { correlationId: 'c-1', tenant: 'acme' },
  createdAt: new Date(1_767_225_600_000),
  sequenceNumber: 42,
  aggregateId: 'o-1',
  aggregateVersion: 3,
};

describe('KafkaEventRelay options', () => {
  it('fills in the defaults: every event, from the beginning, 500 per batch, named after its topic', () => {
    const r = relay({});
    expect(r.name).toBe('relay-orders');
    expect(r.settings).toEqual({ version: 1, startFrom: 'beginning', batchSize: 500, retryDelayMs: 100 });
    expect(r.relays('Anything')).toBe(true);
    const some = relay({ events: ['OrderPlaced'], name: 'orders-out', version: 2, startFrom: 'head' });
    expect([some.relays('OrderPlaced'), some.relays('OrderShipped')]).toEqual([true, false]);
    expect(some.name).toBe('orders-out');
    expect(some.settings).toMatchObject({ version: 2, startFrom: 'head' });
  });

  it.each([
    [{ client: undefined }, /option client is undefined; pass a KafkaClient/],
    [{ partitions: 0 }, /option partitions is 0; pass a whole number of at least 1/],
    [{ batchSize: 2.5 }, /option batchSize is 2.5; pass a whole number of at least 1/],
    [
      { events: ['OrderPlaced', ''] },
      /option events is \["OrderPlaced",""\]; pass an array of payload names/,
    ],
    [{ startFrom: 'end' }, /option startFrom is "end"; pass 'beginning' or 'head'/],
    [{ createTopic: 'yes' }, /option createTopic is "yes"; pass true or false/],
    [{ topicConfig: { 'retention.ms': 1000 } }, /option topicConfig is .*; pass an object of string values/],
    [{ name: 'orders_out' }, /option name is "orders_out"; pass 1 to 100 letters, digits, dots and dashes/],
    [{ topic: 'o'.repeat(120) }, /option name is "relay-o+.*; pass 1 to 100 letters.*give a name/],
  ])('refuses %j with a ConfigurationError naming the option', (options, message) => {
    const attempt = () => relay(options as Partial<KafkaEventRelayOptions>);
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(message);
  });

  it('refuses a topic name Kafka would refuse, before any broker is asked', () => {
    expect(() => relay({ topic: 'orders out' })).toThrow(InvalidArgumentError);
  });
});

describe('a relayed message', () => {
  it('is keyed by the aggregate id, holds the event as JSON and its facts and metadata as headers', () => {
    const message = relayedMessage(stored);
    expect(message.key).toBe('o-1');
    expect(JSON.parse(message.value as string)).toEqual({
      evento: 1,
      eventId: stored.eventId,
      eventName: 'OrderPlaced',
      sequenceNumber: 42,
      aggregateId: 'o-1',
      aggregateVersion: 3,
      context: 'default',
      timestamp: 1_767_225_600_000,
      metadata: { correlationId: 'c-1', tenant: 'acme' },
      payload: { orderId: 'o-1', placedAt: { $date: '2026-01-01T00:00:00.000Z' } },
    });
    expect(message.headers).toEqual({
      correlationId: 'c-1',
      tenant: 'acme',
      'evento-event-id': stored.eventId,
      'evento-event-name': 'OrderPlaced',
      'evento-sequence-number': '42',
      'evento-aggregate-id': 'o-1',
      'evento-aggregate-version': '3',
      'evento-context': 'default',
      'evento-timestamp': '1767225600000',
    });
  });

  it('has no key and no aggregate headers for a service event', () => {
    const message = relayedMessage({ ...stored, aggregateId: null, aggregateVersion: null });
    expect(message.key).toBeNull();
    expect(Object.keys(message.headers ?? {})).not.toContain(RelayHeaders.aggregateId);
    expect(Object.keys(message.headers ?? {})).not.toContain(RelayHeaders.aggregateVersion);
  });

  it("keeps the framework's headers when a metadata key has one of their names", () => {
    const message = relayedMessage({ ...stored, metadata: { [RelayHeaders.eventId]: 'forged' } });
    expect(message.headers?.[RelayHeaders.eventId]).toBe(stored.eventId);
  });

  it('is an UnreadableEventError for an event whose payload or metadata the store could not read', () => {
    expect(() => relayedMessage({ ...stored, payload: '{"orderId":' })).toThrow(UnreadableEventError);
    expect(() => relayedMessage({ ...stored, metadata: {}, unreadableMetadata: '[1, 2]' })).toThrow(
      /Stored event #42 .* cannot be read: Error: its metadata is not a JSON object of strings/,
    );
  });
});
