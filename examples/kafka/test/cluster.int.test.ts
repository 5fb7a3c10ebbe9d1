/**
 * The Kafka example as docs/distributed.md shows it: an inventory bundle in two instances and a
 * shop bundle, each on its own bus, over the real broker.
 */
import { InMemoryEventStore, type EventoBundle } from 'evento-ts';
import type { KafkaMessageBus } from 'evento-ts/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { describeWithKafka, KAFKA_BROKERS, uniqueName } from '../../../test/support/kafka';
import { eventually } from '../../../test/support/waiting';
import { createBus, startInventory, startShop } from '../cluster';
import { ShopDesk } from '../shopDesk';

jest.setTimeout(60_000);

describeWithKafka()('the Kafka example', () => {
  const prefix = uniqueName('inventory');
  const buses: KafkaMessageBus[] = [];
  const bundles: EventoBundle[] = [];

  afterAll(async () => {
    for (const bundle of bundles) await bundle.stop();
    for (const bus of buses) await bus.close();
    const admin = new Kafka({ brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  function bus(clientId: string): KafkaMessageBus {
    process.env.KAFKA_BROKERS ??= KAFKA_BROKERS.join(',');
    const made = createBus(clientId, prefix);
    buses.push(made);
    return made;
  }

  it('serves the shop from two inventory instances', async () => {
    const store = new InMemoryEventStore();
    bundles.push(await startInventory(bus('inventory-1'), store));
    bundles.push(await startInventory(bus('inventory-2'), store));
    const shop = await startShop(bus('shop'));
    bundles.push(shop);
    const desk = shop.getInvoker(ShopDesk);
    await desk.register('apple');
    await desk.restock('apple', 5);
    await desk.restock('apple', 7);
    // Each inventory instance projects into its own read model; either may answer the query.
    await eventually(async () => (await desk.level('apple')) === 12, {
      what: 'the stock at 12',
      timeoutMs: 15_000,
    });
    for (let i = 0; i < 6; i++) expect(await desk.level('apple')).toBe(12);
    expect(shop.cluster().find((b) => b.bundleId === 'inventory')?.instances).toHaveLength(2);
  });
});
