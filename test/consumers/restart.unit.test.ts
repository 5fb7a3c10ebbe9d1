import { EventoBundle, InMemoryConsumerStateStore, InMemoryEventStore } from '../../src';
import { AccountAggregate, AccountReadModel } from '../domain/bank';
import { AccountProjector } from '../domain/bankConsumers';
import { appendConcurrently, scopeWith } from './support';
import { eventually } from '../support/waiting';

function bundleOn(
  store: InMemoryEventStore,
  states: InMemoryConsumerStateStore,
  model: AccountReadModel,
  instanceId: string,
): Promise<EventoBundle> {
  return EventoBundle.builder()
    .setBundleId('bank')
    .setInstanceId(instanceId)
    .setComponents([AccountAggregate, AccountProjector])
    .setEventStore(store)
    .setConsumerStateStore(states)
    .setContainer(scopeWith(model))
    .setLeaseTtl(300)
    .start();
}

describe('consumer restarts and instances', () => {
  it('a new bundle resumes from the committed offset: nothing lost, nothing handled twice', async () => {
    const store = new InMemoryEventStore();
    const states = new InMemoryConsumerStateStore();
    const model = new AccountReadModel();
    await appendConcurrently(store, 3_000, 30, 4);
    const first = await bundleOn(store, states, model, 'one');
    while (model.handled.length === 0) await new Promise((r) => setImmediate(r));
    await first.stop(); // mid-stream: the batch in hand is finished and committed
    const handledByFirst = model.handled.length;
    expect(handledByFirst).toBeGreaterThan(0);
    expect(handledByFirst).toBeLessThan(3_000);
    const [state] = await states.listConsumers();
    expect(state?.offset).toBe(handledByFirst);

    const second = await bundleOn(store, states, model, 'two');
    await second.untilIdle();
    expect(model.handled).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1));
    await second.stop();
  });

  it('runs each consumer in exactly one of two instances, and hands it over when the holder dies', async () => {
    const store = new InMemoryEventStore();
    const states = new InMemoryConsumerStateStore();
    const modelA = new AccountReadModel();
    const modelB = new AccountReadModel();
    const a = await bundleOn(store, states, modelA, 'a');
    const b = await bundleOn(store, states, modelB, 'b');
    await appendConcurrently(store, 500, 10, 2);
    await eventually(async () => (await states.listConsumers())[0]?.offset === 500);
    const running = [(await a.consumers())[0]?.running, (await b.consumers())[0]?.running];
    expect(running.filter(Boolean)).toHaveLength(1);
    const [holder, holderModel, standby, standbyModel] = running[0]
      ? [a, modelA, b, modelB]
      : [b, modelB, a, modelA];
    expect(holderModel.handled).toHaveLength(500);
    expect(standbyModel.handled).toHaveLength(0);

    // The holder dies without releasing its lease: its timers and loop stop, the lease stays until it expires.
    const lease = await states.getLease('bank_AccountProjector_1_*');
    crash(holder);
    await appendConcurrently(store, 200, 5, 2);
    await eventually(async () => (await standby.consumers())[0]?.running === true, 5_000);
    expect(Date.now()).toBeGreaterThanOrEqual((lease?.expiresAt.getTime() ?? 0) - 5);
    await eventually(async () => (await states.listConsumers())[0]?.offset === 700);
    expect(standbyModel.handled).toEqual(Array.from({ length: 200 }, (_, i) => 501 + i));
    await standby.stop();
  });
});

/** Simulates a crash: stops the bundle's consumers without committing or releasing anything more. */
function crash(bundle: EventoBundle): void {
  const supervisor = (
    bundle as unknown as {
      parts: {
        supervisor: {
          runners: Map<
            string,
            { stopping: boolean; leaseHeld: boolean; renewTimer?: NodeJS.Timeout; wake: { notify(): void } }
          >;
        };
      };
    }
  ).parts.supervisor;
  for (const runner of supervisor.runners.values()) {
    runner.stopping = true;
    clearInterval(runner.renewTimer);
    runner.wake.notify();
  }
}

describe('waitForHeadReached with two instances', () => {
  it('start() of a standby instance does not wait for a projector another instance runs', async () => {
    const { Projector } = await import('../../src');
    @Projector({ waitForHeadReached: true })
    class WaitingProjector extends AccountProjector {}
    const store = new InMemoryEventStore();
    const states = new InMemoryConsumerStateStore();
    const start = (model: AccountReadModel, id: string) =>
      EventoBundle.builder()
        .setBundleId('bank')
        .setInstanceId(id)
        .setComponents([WaitingProjector])
        .setEventStore(store)
        .setConsumerStateStore(states)
        .setContainer(scopeWith(model))
        .setLeaseTtl(60_000)
        .start();
    const first = await start(new AccountReadModel(), 'first');
    const second = await Promise.race([
      start(new AccountReadModel(), 'second'),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 3_000)),
    ]);
    expect(second).not.toBe('hung');
    if (second !== 'hung') await second.stop();
    await first.stop();
  });
});
