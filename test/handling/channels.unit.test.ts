import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { container } from 'tsyringe';
import { EventoBundle, EventoChannels, type HandlerCall } from '../../src';
import { GetOrder, OrderRefusedError, PlaceOrder, ShopLog, shopComponents } from './shop';
import { rejectionOf } from '../support/waiting';

/** Records what each `tracing:<name>:<event>` channel publishes while `work` runs. */
async function recording(
  names: readonly string[],
  work: () => Promise<void>,
): Promise<Map<string, object[]>> {
  const seen = new Map<string, object[]>();
  const listeners: [string, (message: unknown) => void][] = [];
  for (const name of names) {
    for (const event of ['start', 'end', 'asyncStart', 'asyncEnd', 'error']) {
      const channel = `tracing:${name}:${event}`;
      const listener = (message: unknown): void => {
        seen.set(channel, [...(seen.get(channel) ?? []), message as object]);
      };
      subscribe(channel, listener);
      listeners.push([channel, listener]);
    }
  }
  try {
    await work();
  } finally {
    for (const [channel, listener] of listeners) unsubscribe(channel, listener);
  }
  return seen;
}

async function startShop(): Promise<EventoBundle> {
  const scope = container.createChildContainer();
  scope.registerInstance(ShopLog, new ShopLog());
  return EventoBundle.builder()
    .setBundleId('shop')
    .setInstanceId('shop-1')
    .setComponents(shopComponents)
    .setContainer(scope)
    .onError(() => undefined)
    .start();
}

describe('diagnostics channels', () => {
  it('publish command, query, event, append, dispatch and consumer batch handling under evento:*', async () => {
    const bundle = await startShop();
    const seen = await recording(Object.values(EventoChannels), async () => {
      await bundle.commandGateway.send(new PlaceOrder('o1'));
      await bundle.untilIdle();
      await bundle.queryGateway.query(new GetOrder('o1'));
    });
    await bundle.stop();

    const starts = (name: string): HandlerCall[] =>
      (seen.get(`tracing:${name}:start`) ?? []) as HandlerCall[];
    expect(starts(EventoChannels.command).map((c) => `${c.component}.${c.handler}`)).toEqual([
      'Order.place',
      'Shipping.ship',
      'Order.markShipped',
    ]);
    expect(starts(EventoChannels.query).map((c) => c.payloadName)).toEqual(['GetOrder']);
    expect(new Set(starts(EventoChannels.event).map((c) => c.component))).toEqual(
      new Set(['OrderProjector', 'ShippingSaga', 'ShippedObserver']),
    );
    expect(starts(EventoChannels.eventSourcing).length).toBeGreaterThanOrEqual(2);
    // Every start has its end, and async handlers their asyncEnd, with the result set on the context.
    for (const name of [EventoChannels.command, EventoChannels.query, EventoChannels.event]) {
      expect((seen.get(`tracing:${name}:asyncEnd`) ?? []).length).toBe(starts(name).length);
    }
    const placed = (seen.get(`tracing:${EventoChannels.command}:asyncEnd`) ?? [])[0] as { result?: unknown };
    expect(placed.result?.constructor.name).toBe('OrderPlaced');

    const appends = (seen.get(`tracing:${EventoChannels.append}:start`) ?? []) as { eventNames: string[] }[];
    expect(appends.map((a) => a.eventNames)).toEqual([
      ['OrderPlaced'],
      ['OrderShipped'],
      ['OrderMarkedShipped'],
    ]);
    const dispatches = (seen.get(`tracing:${EventoChannels.dispatch}:start`) ?? []) as {
      payloadName: string;
    }[];
    expect(dispatches.map((d) => d.payloadName)).toEqual([
      'PlaceOrder',
      'ShipOrder',
      'MarkShipped',
      'GetOrder',
    ]);
    const batches = (seen.get(`tracing:${EventoChannels.consumerBatch}:start`) ?? []) as {
      consumerId: string;
    }[];
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((b) => b.consumerId.startsWith('shop_'))).toBe(true);
  });

  it('publish a handler error on the error channel', async () => {
    const bundle = await startShop();
    const seen = await recording([EventoChannels.command], async () => {
      await rejectionOf(bundle.commandGateway.send(new PlaceOrder('unpaid-2')));
    });
    await bundle.stop();
    const errors = (seen.get(`tracing:${EventoChannels.command}:error`) ?? []) as { error: unknown }[];
    expect(errors.map((e) => e.error)).toEqual([expect.any(OrderRefusedError)]);
  });
});
