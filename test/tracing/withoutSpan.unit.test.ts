/**
 * A tracing agent's `withoutSpan`: the calls it makes no span for run without `track`, on the
 * pipeline's direct path, still carrying its trace keys and showing it their failures.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { container } from 'tsyringe';
import {
  EventoBundle,
  EventoChannels,
  InvocationHandler,
  Invoker,
  InMemoryEventStore,
  type HandlerCall,
  type PassedOnCall,
  type TracingAgent,
} from '../../src';
import { OrderRefusedError, PlaceOrder, ShopApi, shopBuilder } from '../handling/shop';

const TRACE = { 'sentry-trace': '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0' };

class PassingAgent implements TracingAgent {
  readonly tracked: HandlerCall[] = [];
  readonly passed: HandlerCall[] = [];
  readonly errors: unknown[] = [];
  /** Leave every call to `track`. */
  decline = false;

  track(call: HandlerCall, next: (keys?: Record<string, string>) => Promise<unknown>): Promise<unknown> {
    this.tracked.push(call);
    return next(TRACE);
  }

  activeTraceContext(): undefined {
    return undefined;
  }

  withoutSpan(call: HandlerCall): PassedOnCall | undefined {
    if (this.decline) return undefined;
    this.passed.push(call);
    return { metadata: TRACE, onError: (error) => this.errors.push(error) };
  }
}

async function startShop(agent: TracingAgent, interceptor?: 'another interceptor') {
  const store = new InMemoryEventStore();
  const builder = shopBuilder(store)
    .setTracingAgent(agent)
    .onError(() => undefined);
  if (interceptor !== undefined) builder.addHandlerInterceptor((_call, next) => next());
  const bundle = await builder.start();
  return { bundle, store };
}

/** An invoker whose handler answers synchronously. */
@Invoker()
class SyncApi {
  @InvocationHandler()
  check(value: number): number {
    if (value < 0) throw new RangeError(`${value} is negative`);
    return value * 2;
  }
}

const kinds = (calls: HandlerCall[]) => [...new Set(calls.map((c) => c.handlerKind))].sort();

describe('a tracing agent’s withoutSpan', () => {
  it('runs the calls it passes on without track, and its keys reach the events', async () => {
    const agent = new PassingAgent();
    const { bundle, store } = await startShop(agent);
    await bundle.getInvoker(ShopApi).place('o1');
    await bundle.untilIdle();
    await bundle.stop();

    expect(agent.tracked).toEqual([]);
    expect(kinds(agent.passed)).toEqual(
      expect.arrayContaining(['aggregateCommand', 'invocation', 'sagaEvent']),
    );
    expect(kinds(agent.passed)).not.toContain('eventSourcing');
    const events = await store.readAggregate('o1');
    expect(events.length).toBeGreaterThan(0);
    expect(events.map((e) => e.metadata['sentry-trace'])).toEqual(events.map(() => TRACE['sentry-trace']));
  });

  it('shows it a handler’s failure, thrown or rejected, and the caller gets it as it was', async () => {
    const agent = new PassingAgent();
    const { bundle } = await startShop(agent);
    // The aggregate's handler throws synchronously; the async invocation handler rejects with it.
    const failure = bundle.getInvoker(ShopApi).place('unpaid-1');
    await expect(failure).rejects.toBeInstanceOf(OrderRefusedError);
    await bundle.stop();

    expect(agent.errors).toHaveLength(2);
    for (const error of agent.errors) expect(error).toBeInstanceOf(OrderRefusedError);
    const failed = agent.passed.filter(
      (c) => c.handlerKind === 'aggregateCommand' || c.handlerKind === 'invocation',
    );
    expect(kinds(failed)).toEqual(['aggregateCommand', 'invocation']);
  });

  it('leaves a call to track when it declines, when another interceptor applies, or when a channel is listened to', async () => {
    const declining = new PassingAgent();
    declining.decline = true;
    const first = await startShop(declining);
    await first.bundle.commandGateway.send(new PlaceOrder('o1'));
    await first.bundle.stop();
    expect(declining.tracked.map((c) => c.handler)).toContain('place');

    const beside = new PassingAgent();
    const second = await startShop(beside, 'another interceptor');
    await second.bundle.commandGateway.send(new PlaceOrder('o1'));
    await second.bundle.stop();
    expect(beside.passed).toEqual([]);
    expect(beside.tracked.map((c) => c.handler)).toContain('place');

    const listened = new PassingAgent();
    const third = await startShop(listened);
    const listener = () => undefined;
    subscribe(`tracing:${EventoChannels.command}:start`, listener);
    try {
      await third.bundle.commandGateway.send(new PlaceOrder('o1'));
    } finally {
      unsubscribe(`tracing:${EventoChannels.command}:start`, listener);
      await third.bundle.stop();
    }
    expect(listened.tracked.map((c) => c.handler)).toContain('place');
  });

  it('keeps a rejected command’s error for the caller when onError itself is quiet, and appends nothing', async () => {
    const agent = new PassingAgent();
    const { bundle, store } = await startShop(agent);
    await expect(bundle.commandGateway.send(new PlaceOrder('unpaid-2'))).rejects.toBeInstanceOf(
      OrderRefusedError,
    );
    await bundle.stop();
    expect(await store.readAggregate('unpaid-2')).toEqual([]);
    expect(agent.errors).toHaveLength(1);
  });

  it('still makes an invoker method return a promise, and its throw a rejection', async () => {
    const agent = new PassingAgent();
    const scope = container.createChildContainer();
    const bundle = await EventoBundle.builder()
      .setBundleId('sync')
      .setComponents([SyncApi])
      .setEventStore(new InMemoryEventStore())
      .setContainer(scope)
      .setTracingAgent(agent)
      .start();
    const api = bundle.getInvoker(SyncApi);
    const doubled = api.check(2) as unknown;
    expect(doubled).toBeInstanceOf(Promise);
    await expect(doubled).resolves.toBe(4);
    let thrown: unknown;
    let failed: unknown;
    try {
      failed = api.check(-1);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeUndefined();
    await expect(failed).rejects.toBeInstanceOf(RangeError);
    expect(agent.errors).toEqual([expect.any(RangeError)]);
    expect(agent.tracked).toEqual([]);
    await bundle.stop();
  });

  it('turns a throw of withoutSpan itself into the invoker method’s rejection', async () => {
    const agent = new PassingAgent();
    agent.withoutSpan = () => {
      throw new TypeError('the agent failed');
    };
    const bundle = await EventoBundle.builder()
      .setBundleId('sync')
      .setComponents([SyncApi])
      .setEventStore(new InMemoryEventStore())
      .setContainer(container.createChildContainer())
      .setTracingAgent(agent)
      .start();
    let thrown: unknown;
    let result: unknown;
    try {
      result = bundle.getInvoker(SyncApi).check(2);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeUndefined();
    await expect(result).rejects.toThrow('the agent failed');
    await bundle.stop();
  });
});
