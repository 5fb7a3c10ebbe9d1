/** The samples of docs/architecture.md's pipeline section, run as tests. */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { container } from 'tsyringe';
import { EventoBundle, EventoChannels, type HandlerCall } from '../../src';
import { PlaceOrder, ShopLog, shopComponents } from './shop';

function shop(): ReturnType<typeof EventoBundle.builder> {
  const scope = container.createChildContainer();
  scope.registerInstance(ShopLog, new ShopLog());
  return EventoBundle.builder().setBundleId('shop').setComponents(shopComponents).setContainer(scope);
}

describe('the pipeline section of docs/architecture.md', () => {
  it('times handlers and tags the messages a tenant sends', async () => {
    const timings: string[] = [];
    const builder = shop();
    // #region interceptors
    builder
      .addHandlerInterceptor(
        async (call, next) => {
          const started = performance.now();
          try {
            return await next();
          } finally {
            timings.push(
              `${call.component}.${call.handler}(${call.payloadName}) ${performance.now() - started} ms`,
            );
          }
        },
        { components: ['aggregate', 'service', 'projection'] },
      )
      .addDispatchInterceptor((dispatch, next) => next({ tenant: 'acme' }));
    // #endregion interceptors
    const bundle = await builder.start();
    await bundle.commandGateway.send(new PlaceOrder('o1'));
    await bundle.untilIdle();
    await bundle.stop();
    expect(timings.some((t) => t.startsWith('Order.place(PlaceOrder) '))).toBe(true);
    expect((await bundle.eventStore.readAggregate('o1'))[0]?.metadata.tenant).toBe('acme');
  });

  it('reads the evento:command channel', async () => {
    const slow: string[] = [];
    // #region channels
    const started = new WeakMap<object, number>();
    const onStart = (call: unknown): void => void started.set(call as object, performance.now());
    const onEnd = (call: unknown): void => {
      const { component, handler } = call as HandlerCall;
      const ms = performance.now() - (started.get(call as object) ?? 0);
      if (ms >= 0) slow.push(`${component}.${handler}: ${ms.toFixed(1)} ms`);
    };
    subscribe(`tracing:${EventoChannels.command}:start`, onStart);
    subscribe(`tracing:${EventoChannels.command}:asyncEnd`, onEnd);
    // #endregion channels
    const bundle = await shop().start();
    await bundle.commandGateway.send(new PlaceOrder('o2'));
    await bundle.untilIdle();
    await bundle.stop();
    unsubscribe(`tracing:${EventoChannels.command}:start`, onStart);
    unsubscribe(`tracing:${EventoChannels.command}:asyncEnd`, onEnd);
    expect(slow.map((line) => line.split(':')[0])).toEqual([
      'Order.place',
      'Shipping.ship',
      'Order.markShipped',
    ]);
  });
});
