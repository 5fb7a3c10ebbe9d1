import { DeadEventNotFoundError, EventoBundle, InMemoryEventStore } from '../../src';
import { AccountAggregate, AccountReadModel, Deposit, OpenAccount } from '../domain/bank';
import { PickyObserver, PoisonSwitch } from '../domain/bankConsumers';
import { scopeWith } from './support';
import { eventually } from '../support/waiting';

async function start(poison: PoisonSwitch): Promise<{ bundle: EventoBundle; errors: unknown[] }> {
  const errors: unknown[] = [];
  const bundle = await EventoBundle.builder()
    .setBundleId('bank')
    .setComponents([AccountAggregate, PickyObserver])
    .setEventStore(new InMemoryEventStore())
    .setContainer(scopeWith(new AccountReadModel(), poison))
    .setErrorHandler((e) => errors.push(e))
    .start();
  return { bundle, errors };
}

const consumer = 'bank_PickyObserver_1_*';

describe('dead events', () => {
  it('sends a poison event to the dead events after its retries; later events still flow; a retry after the fix removes it', async () => {
    const poison = new PoisonSwitch();
    const { bundle, errors } = await start(poison);
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    await bundle.commandGateway.send(new Deposit('a1', 1)); // seq 2
    await bundle.commandGateway.send(new Deposit('a1', 13)); // seq 3: poison
    await bundle.commandGateway.send(new Deposit('a1', 2)); // seq 4
    await bundle.untilIdle();
    expect(poison.seen).toEqual([2, 4]);
    expect(errors).toHaveLength(3); // first try + 2 retries
    const [report] = await bundle.consumers();
    expect(report).toMatchObject({ offset: 4, deadEvents: 1 });
    // The next event succeeded, so the consumer is no longer in error; the dead event keeps the failure.
    expect(report?.error).toBeNull();

    const [dead] = await bundle.deadEvents(consumer);
    expect(dead).toMatchObject({
      consumerId: consumer,
      errorName: 'RangeError',
      errorMessage: '13 is unlucky',
      retries: 0,
    });
    expect(dead?.event.sequenceNumber).toBe(3);
    expect(dead?.message?.payload).toEqual(
      new Deposit('a1', 13).constructor === Deposit ? expect.objectContaining({ amount: 13 }) : undefined,
    );
    expect(dead?.errorStack).toContain('RangeError: 13 is unlucky');

    // Retrying while still broken keeps it, with the new error, and rethrows.
    await expect(bundle.retryDeadEvent(consumer, 3)).rejects.toThrow('13 is unlucky');
    expect((await bundle.deadEvents(consumer))[0]?.retries).toBe(1);

    poison.fixed = true;
    await bundle.retryDeadEvent(consumer, 3);
    expect(poison.seen).toEqual([2, 4, 3]);
    expect(await bundle.deadEvents(consumer)).toEqual([]);
    expect((await bundle.consumers())[0]).toMatchObject({ deadEvents: 0, error: null, offset: 4 });
    await expect(bundle.retryDeadEvent(consumer, 3)).rejects.toBeInstanceOf(DeadEventNotFoundError);
    await bundle.stop();
  });

  it('retries a transient failure without end and never moves past the event', async () => {
    const poison = new PoisonSwitch();
    poison.transientFailuresLeft = 6; // more than the handler's 2 retries
    const { bundle, errors } = await start(poison);
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    await bundle.commandGateway.send(new Deposit('a1', 7)); // seq 2, fails transiently 6 times
    await bundle.commandGateway.send(new Deposit('a1', 1)); // seq 3
    await eventually(async () => ((await bundle.consumers())[0]?.error?.count ?? 0) >= 2, 20_000);
    const inError = (await bundle.consumers())[0];
    expect(inError).toMatchObject({
      offset: 1,
      error: { message: 'TransientConsumerError: downstream is restarting' },
    });
    expect(inError?.error?.since.getTime()).toBeLessThanOrEqual(inError?.error?.lastErrorAt.getTime() ?? 0);
    await eventually(() => poison.seen.length === 2, 20_000);
    expect(poison.seen).toEqual([2, 3]);
    expect(errors.length).toBeGreaterThanOrEqual(6);
    expect(await bundle.deadEvents(consumer)).toEqual([]);
    await bundle.stop();
  });

  it('deletes a dead event on request, and can pause and resume a consumer', async () => {
    const poison = new PoisonSwitch();
    const { bundle } = await start(poison);
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    await bundle.commandGateway.send(new Deposit('a1', 13));
    await bundle.untilIdle();
    await bundle.deleteDeadEvent(consumer, 2);
    expect(await bundle.deadEvents(consumer)).toEqual([]);
    await expect(bundle.deleteDeadEvent(consumer, 2)).rejects.toBeInstanceOf(DeadEventNotFoundError);

    await bundle.setConsumerEnabled(consumer, false);
    await bundle.commandGateway.send(new Deposit('a1', 5));
    await bundle.untilIdle();
    await new Promise((r) => setTimeout(r, 50));
    expect(poison.seen).toEqual([]);
    await bundle.setConsumerEnabled(consumer, true);
    await bundle.untilIdle(); // sees the resume at once, and waits for the catch-up
    expect(poison.seen).toEqual([3]);
    await expect(bundle.setConsumerEnabled('nope', true)).rejects.toThrow(/No consumer 'nope'/);
    await bundle.stop();
  });
});
