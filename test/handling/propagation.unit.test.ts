import { container } from 'tsyringe';
import { EventoBundle, InMemoryEventStore, type Metadata } from '../../src';
import { PlaceOrder, ShopLog, shopComponents } from './shop';

const trace = {
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  tracestate: 'vendor=1',
  baggage: 'user=ann',
  'sentry-trace': '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1',
};

async function runFlow(
  configure: (builder: ReturnType<typeof EventoBundle.builder>) => void = () => undefined,
): Promise<{ log: ShopLog; store: InMemoryEventStore }> {
  const log = new ShopLog();
  const store = new InMemoryEventStore();
  const scope = container.createChildContainer();
  scope.registerInstance(ShopLog, log);
  const builder = EventoBundle.builder()
    .setBundleId('shop')
    .setComponents(shopComponents)
    .setEventStore(store)
    .setContainer(scope);
  configure(builder);
  const bundle = await builder.start();
  await bundle.commandGateway.send(new PlaceOrder('o1'), { ...trace, tenant: 'acme' });
  await bundle.untilIdle();
  await bundle.stop();
  return { log, store };
}

function keysOf(
  metadata: Metadata | Readonly<Record<string, string>> | undefined,
  keys: readonly string[],
): Record<string, string | undefined> {
  const record =
    metadata === undefined ? {} : 'toRecord' in metadata ? (metadata as Metadata).toRecord() : metadata;
  return Object.fromEntries(keys.map((k) => [k, record[k]]));
}

describe('metadata along a flow', () => {
  it('carries the correlation id and trace keys command → event → saga → command → event → projector', async () => {
    const { log, store } = await runFlow();
    const placed = (await store.readAggregate('o1'))[0];
    const correlationId = placed?.metadata.correlationId;
    expect(correlationId).toBeTruthy();
    const keys = [...Object.keys(trace), 'correlationId'];
    const expected = { ...trace, correlationId };

    // The command's event carries the command's keys.
    expect(keysOf(placed?.metadata, keys)).toEqual(expected);
    // The saga handles that event with them...
    expect(keysOf(log.metadata.find((m) => m.step === 'ShippingSaga.onPlaced')?.metadata, keys)).toEqual(
      expected,
    );
    // ...the command it sends takes them over (the event is its cause)...
    const ship = log.metadata.find((m) => m.step === 'Shipping.ship')?.metadata;
    expect(keysOf(ship, keys)).toEqual(expected);
    expect(ship?.causationId).toBe(placed?.metadata.messageId);
    // ...so do that command's event, the saga's next command and its event, which the projector sees.
    const all = await store.readStream({ after: 0, limit: 100 });
    expect(all.map((e) => [e.eventName, keysOf(e.metadata, keys)])).toEqual([
      ['OrderPlaced', expected],
      ['OrderShipped', expected],
      ['OrderMarkedShipped', expected],
    ]);
    expect(
      keysOf(log.metadata.find((m) => m.step === 'OrderProjector.onMarkedShipped')?.metadata, keys),
    ).toEqual(expected);
    // A key that is not propagated stays with the command's own events.
    expect(all.map((e) => e.metadata.tenant)).toEqual(['acme', undefined, undefined]);
  });

  it('propagates the keys the builder names instead', async () => {
    const { store } = await runFlow((b) => b.setPropagatedMetadataKeys(['tenant']));
    const all = await store.readStream({ after: 0, limit: 100 });
    expect(all.map((e) => [e.metadata.tenant, e.metadata.traceparent])).toEqual([
      ['acme', trace.traceparent],
      ['acme', undefined],
      ['acme', undefined],
    ]);
    // The correlation id always travels.
    expect(new Set(all.map((e) => e.metadata.correlationId)).size).toBe(1);
  });
});
