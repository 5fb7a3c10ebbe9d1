import { container } from 'tsyringe';
import {
  ConfigurationError,
  EventoBundle,
  InMemoryEventStore,
  type ComponentKind,
  type Dispatch,
  type HandlerCall,
  type HandlerInterceptor,
} from '../../src';
import { rejectionOf } from '../support/waiting';
import { GetOrder, OrderRefusedError, PlaceOrder, ShopApi, ShopLog, shopComponents } from './shop';

async function startShop(
  configure: (builder: ReturnType<typeof EventoBundle.builder>) => void,
  store = new InMemoryEventStore(),
): Promise<{ bundle: EventoBundle; log: ShopLog; store: InMemoryEventStore }> {
  const log = new ShopLog();
  const scope = container.createChildContainer();
  scope.registerInstance(ShopLog, log);
  const builder = EventoBundle.builder()
    .setBundleId('shop')
    .setInstanceId('shop-1')
    .setComponents(shopComponents)
    .setEventStore(store)
    .setContainer(scope)
    .onError(() => undefined);
  configure(builder);
  return { bundle: await builder.start(), log, store };
}

describe('handler interceptors', () => {
  it('see every kind of handler call of a bundle with every kind of component', async () => {
    const calls: HandlerCall[] = [];
    const { bundle } = await startShop((b) =>
      b.addHandlerInterceptor((call, next) => {
        calls.push(call);
        return next();
      }),
    );
    await bundle.getInvoker(ShopApi).place('o1');
    await bundle.untilIdle();
    await bundle.queryGateway.query(new GetOrder('o1'));
    await bundle.stop();

    const seen = new Set(calls.map((c) => `${c.componentKind} ${c.handlerKind} ${c.component}.${c.handler}`));
    expect([...seen].sort()).toEqual(
      [
        'aggregate aggregateCommand Order.markShipped',
        'aggregate aggregateCommand Order.place',
        'aggregate eventSourcing Order.onPlaced',
        'aggregate eventSourcing Order.onShipped',
        'invoker invocation ShopApi.place',
        'observer observerEvent ShippedObserver.onShipped',
        'projection query Orders.get',
        'projector event OrderProjector.onMarkedShipped',
        'projector event OrderProjector.onPlaced',
        'saga sagaEvent ShippingSaga.onPlaced',
        'saga sagaEvent ShippingSaga.onShipped',
        'service command Shipping.ship',
      ].sort(),
    );
    const place = calls.find((c) => c.handler === 'place' && c.componentKind === 'aggregate');
    expect(place).toMatchObject({
      bundleId: 'shop',
      instanceId: 'shop-1',
      payloadName: 'PlaceOrder',
      aggregateId: 'o1',
    });
    expect(place?.payload).toBeInstanceOf(PlaceOrder);
    expect(place?.metadata.messageId).toBe(place?.message.messageId);
    const projected = calls.find((c) => c.handler === 'onPlaced' && c.componentKind === 'projector');
    expect(projected).toMatchObject({
      consumerId: 'shop_OrderProjector_1_*',
      attempt: 1,
      sequenceNumber: 1,
      headReached: true,
    });
    const invocation = calls.find((c) => c.handlerKind === 'invocation');
    expect(invocation?.payload).toEqual(['o1']);
    expect(invocation?.payloadName).toBe('ShopApi.place');
  });

  it('compose in registration order, async included, and see the result after next()', async () => {
    const trace: string[] = [];
    const named = (name: string): HandlerInterceptor => ({
      async intercept(call, next) {
        trace.push(`${name} before ${call.handler}`);
        await new Promise((resolve) => setTimeout(resolve, 1));
        const result = await next();
        trace.push(
          `${name} after ${call.handler}: ${result instanceof Object ? result.constructor.name : String(result)}`,
        );
        return result;
      },
    });
    const { bundle } = await startShop((b) =>
      b
        .addHandlerInterceptor(named('first'), { components: ['aggregate'] })
        .addHandlerInterceptor(named('second'), {
          components: ['aggregate'],
        }),
    );
    const result = await bundle.commandGateway.send(new PlaceOrder('o1'));
    await bundle.stop();
    expect(result?.constructor.name).toBe('OrderPlaced');
    expect(trace.slice(0, 8)).toEqual([
      'first before place',
      'second before place',
      'second after place: OrderPlaced',
      'first after place: OrderPlaced',
      'first before onPlaced',
      'second before onPlaced',
      'second after onPlaced: OrderState',
      'first after onPlaced: OrderState',
    ]);
  });

  it('wrap only the component kinds they are registered for', async () => {
    const kinds = new Set<ComponentKind>();
    const { bundle } = await startShop((b) =>
      b.addHandlerInterceptor(
        (call, next) => {
          kinds.add(call.componentKind);
          return next();
        },
        { components: ['saga', 'projection'] },
      ),
    );
    await bundle.commandGateway.send(new PlaceOrder('o1'));
    await bundle.untilIdle();
    await bundle.queryGateway.query(new GetOrder('o1'));
    await bundle.stop();
    expect([...kinds].sort()).toEqual(['projection', 'saga']);
  });

  it('registered with eventSourcing: false, leave out the event sourcing handlers only', async () => {
    const calls: HandlerCall[] = [];
    const { bundle } = await startShop((b) =>
      b.addHandlerInterceptor(
        (call, next) => {
          calls.push(call);
          return next();
        },
        { eventSourcing: false },
      ),
    );
    await bundle.getInvoker(ShopApi).place('o1');
    await bundle.untilIdle();
    await bundle.stop();
    const kinds = new Set(calls.map((c) => c.handlerKind));
    expect(kinds.has('eventSourcing')).toBe(false);
    expect(kinds.has('aggregateCommand')).toBe(true);
    expect(kinds.has('sagaEvent')).toBe(true);
  });

  it('see a handler error, and a refused command appends nothing', async () => {
    const errors: unknown[] = [];
    const { bundle, store } = await startShop((b) =>
      b.addHandlerInterceptor(async (call, next) => {
        if (call.payloadName === 'PlaceOrder' && call.aggregateId === 'refused')
          throw new Error('orders named refused are refused');
        try {
          return await next();
        } catch (error) {
          errors.push(error);
          throw error;
        }
      }),
    );
    const refused = await rejectionOf(bundle.commandGateway.send(new PlaceOrder('refused')));
    expect((refused as Error).message).toBe('orders named refused are refused');
    expect(await store.readAggregate('refused')).toEqual([]);

    const unpaid = await rejectionOf(bundle.commandGateway.send(new PlaceOrder('unpaid-1')));
    expect(unpaid).toBeInstanceOf(OrderRefusedError);
    expect(errors).toEqual([unpaid]); // the handler's own error, seen on its way out
    await bundle.stop();
  });

  it('failing in a consumer is retried by the handler policy, with the attempt number, then the event is dead', async () => {
    const attempts: number[] = [];
    const { bundle, log } = await startShop((b) =>
      b.addHandlerInterceptor(
        (call, next) => {
          attempts.push(call.attempt ?? 0);
          if (call.handler === 'onShipped') throw new Error('observer refused');
          return next();
        },
        { components: ['observer'] },
      ),
    );
    await bundle.commandGateway.send(new PlaceOrder('o1'));
    await bundle.untilIdle();
    // The default policy: 3 retries after the first attempt.
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(log.observed).toEqual([]);
    const dead = await bundle.deadEvents('shop_ShippedObserver_1_*');
    expect(dead.map((d) => [d.event.eventName, d.errorMessage])).toEqual([
      ['OrderShipped', 'observer refused'],
    ]);
    await bundle.stop();
  });

  it('calling next() twice is refused', async () => {
    const { bundle } = await startShop((b) =>
      b.addHandlerInterceptor(
        async (_call, next) => {
          await next();
          return next();
        },
        { components: ['aggregate'] },
      ),
    );
    const error = await rejectionOf(bundle.commandGateway.send(new PlaceOrder('o1')));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/called next\(\) twice/);
    await bundle.stop();
  });
});

describe('dispatch interceptors', () => {
  it('add metadata, observe the result, and run in registration order', async () => {
    const seen: Dispatch[] = [];
    const { bundle, log } = await startShop((b) =>
      b
        .addDispatchInterceptor(async (dispatch, next) => {
          seen.push(dispatch);
          return next({ tenant: 'acme' });
        })
        .addDispatchInterceptor({
          intercept: (dispatch, next) => {
            seen.push(dispatch);
            return next({ region: dispatch.metadata.get('tenant') === 'acme' ? 'eu' : 'none' });
          },
        }),
    );
    await bundle.commandGateway.send(new PlaceOrder('o1'));
    await bundle.untilIdle();
    const answer = await bundle.queryGateway.query(new GetOrder('o1'));
    await bundle.stop();
    expect(answer.data).toBe('shipped');
    const stored = (await bundle.eventStore.readAggregate('o1'))[0];
    expect(stored?.metadata).toMatchObject({ tenant: 'acme', region: 'eu' });
    // The saga's commands went through them too.
    const ship = log.metadata.find((m) => m.step === 'Shipping.ship');
    expect(ship?.metadata.get('region')).toBe('eu');
    expect(seen.map((d) => `${d.kind} ${d.payloadName}`)).toContain('query GetOrder');
  });

  it('refuse a message: the caller gets the error and no handler runs', async () => {
    const { bundle, store } = await startShop((b) =>
      b.addDispatchInterceptor((dispatch) => {
        throw new Error(`no ${dispatch.payloadName} today`);
      }),
    );
    const error = await rejectionOf(bundle.commandGateway.send(new PlaceOrder('o1')));
    expect((error as Error).message).toBe('no PlaceOrder today');
    expect(await store.readAggregate('o1')).toEqual([]);
    await bundle.stop();
  });
});
