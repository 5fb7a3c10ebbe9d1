/**
 * Two bundles that talk over Kafka: `inventory` (the aggregate, its projector and projection) and
 * `shop` (sends commands and queries). Run them in separate processes, or, as here, in one.
 */
import { EventoBundle, type EventStore } from 'evento-ts';
import { Kafka, logLevel } from 'kafkajs';
import { KafkajsClient, KafkaMessageBus } from 'evento-ts/kafka';
import { Stock, StockProjection, StockProjector } from './inventory';
import { ShopDesk } from './shopDesk';

// #region bus
/** A bus on the brokers of KAFKA_BROKERS; buses of one topic prefix form one cluster. */
export function createBus(clientId: string, topicPrefix = 'inventory'): KafkaMessageBus {
  const kafka = new Kafka({
    clientId,
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.WARN,
  });
  return new KafkaMessageBus({ client: new KafkajsClient(kafka), topicPrefix });
}
// #endregion bus

// #region bundles
/** The domain bundle: start as many instances as you like, on one event store. */
export function startInventory(bus: KafkaMessageBus, eventStore: EventStore): Promise<EventoBundle> {
  return EventoBundle.builder()
    .setBundleId('inventory')
    .setBundleVersion('1.0.0')
    .setComponents([Stock, StockProjector, StockProjection])
    .setEventStore(eventStore)
    .setMessageBus(bus)
    .start();
}

/** The bundle that sends: it needs no handler of the inventory's, only its payload classes. */
export function startShop(bus: KafkaMessageBus): Promise<EventoBundle> {
  return EventoBundle.builder().setBundleId('shop').setComponents([ShopDesk]).setMessageBus(bus).start();
}
// #endregion bundles
