/**
 * How a bundle applies a tracing agent: which handler calls reach it, and where the trace keys
 * it hands on end up.
 */
import { InMemoryEventStore, type HandlerCall, type TracingAgent } from '../../src';
import { PlaceOrder, ShopApi, shopBuilder } from '../handling/shop';

const TRACE = { 'sentry-trace': '4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0' };

class RecordingAgent implements TracingAgent {
  readonly calls: HandlerCall[] = [];
  active: Record<string, string> | undefined;

  track(call: HandlerCall, next: (keys?: Record<string, string>) => Promise<unknown>): Promise<unknown> {
    this.calls.push(call);
    return next(call.componentKind === 'aggregate' ? TRACE : undefined);
  }

  activeTraceContext(): Record<string, string> | undefined {
    return this.active;
  }
}

async function startShop(agent: TracingAgent, seen: HandlerCall[]) {
  const store = new InMemoryEventStore();
  const bundle = await shopBuilder(store)
    .setTracingAgent(agent)
    .addHandlerInterceptor((call, next) => {
      seen.push(call);
      return next();
    })
    .onError(() => undefined)
    .start();
  return { bundle, store };
}

describe('a tracing agent on a bundle', () => {
  it('sees every handler call but event sourcing, which other interceptors still see', async () => {
    const agent = new RecordingAgent();
    const seen: HandlerCall[] = [];
    const { bundle } = await startShop(agent, seen);
    await bundle.getInvoker(ShopApi).place('o1');
    await bundle.untilIdle();
    await bundle.stop();

    const kinds = (calls: HandlerCall[]) => [...new Set(calls.map((c) => c.handlerKind))].sort();
    expect(kinds(seen)).toContain('eventSourcing');
    expect(kinds(agent.calls)).toEqual(kinds(seen).filter((k) => k !== 'eventSourcing'));
    expect(agent.calls.length).toBe(seen.filter((c) => c.handlerKind !== 'eventSourcing').length);
  });

  it('writes the keys the agent hands on into the events its handlers produce', async () => {
    const agent = new RecordingAgent();
    const { bundle, store } = await startShop(agent, []);
    await bundle.getInvoker(ShopApi).place('o1');
    await bundle.untilIdle();
    const events = await store.readAggregate('o1');
    expect(events.map((e) => e.metadata['sentry-trace'])).toEqual(events.map(() => TRACE['sentry-trace']));
    await bundle.stop();
  });

  it('gives commands sent from outside a handler the active trace context, over the caller’s keys', async () => {
    const agent = new RecordingAgent();
    agent.active = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    const { bundle } = await startShop(agent, []);
    await bundle.commandGateway.send(new PlaceOrder('o2'), { traceparent: 'stale', user: 'ann' });
    await bundle.stop();
    const place = agent.calls.find((c) => c.handler === 'place' && c.componentKind === 'aggregate');
    expect(place?.metadata.get('traceparent')).toBe(agent.active.traceparent);
    expect(place?.metadata.get('user')).toBe('ann');
  });
});
