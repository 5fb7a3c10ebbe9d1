import { EventoBundle, InMemoryConsumerStateStore, InMemoryEventStore } from '../../src';
import {
  AccountAggregate,
  AccountReadModel,
  Deposit,
  OpenAccount,
  TransferCredited,
  Withdrawn,
} from '../domain/bank';
import { StartTransfer, TransferAggregate, TransferSaga, TransferSagaState } from '../domain/bankConsumers';
import { scopeWith } from './support';

describe('sagas', () => {
  it('runs a transfer across two accounts: debit, credit, end, with association changes', async () => {
    const store = new InMemoryEventStore();
    const states = new InMemoryConsumerStateStore();
    const bundle = await EventoBundle.builder()
      .setBundleId('bank')
      .setComponents([AccountAggregate, TransferAggregate, TransferSaga])
      .setEventStore(store)
      .setConsumerStateStore(states)
      .setContainer(scopeWith(new AccountReadModel()))
      .start();
    const send = bundle.commandGateway;
    await send.send(new OpenAccount('from', 'ann'));
    await send.send(new OpenAccount('to', 'bob'));
    await send.send(new Deposit('from', 100));

    await send.send(new StartTransfer('t1', 'from', 'to', 30));
    await bundle.untilIdle(); // the saga's debit, its credit and the end: a cascade

    const from = await store.readAggregate('from');
    const to = await store.readAggregate('to');
    expect(from.map((e) => e.eventName)).toEqual(['AccountOpened', 'Deposited', 'Withdrawn']);
    expect(to.map((e) => e.eventName)).toEqual(['AccountOpened', 'TransferCredited']);
    // The commands the saga sent belong to the transfer's flow.
    const started = (await store.readAggregate('t1'))[0];
    expect(from[2]?.metadata.correlationId).toBe(started?.metadata.correlationId);
    expect(to[1]?.metadata.correlationId).toBe(started?.metadata.correlationId);
    expect(from[2]?.metadata.causationId).not.toBe(started?.metadata.messageId); // caused by the saga's command
    // Ended: the instance is gone.
    expect(await states.listSagaInstances('TransferSaga')).toEqual([]);
    await bundle.stop();
  });

  it('keeps the instance with its associations between steps, and ignores events of no instance', async () => {
    const store = new InMemoryEventStore();
    const states = new InMemoryConsumerStateStore();
    const bundle = await EventoBundle.builder()
      .setBundleId('bank')
      .setComponents([TransferAggregate, TransferSaga])
      .setEventStore(store)
      .setConsumerStateStore(states)
      .setContainer(scopeWith(new AccountReadModel()))
      .setErrorHandler(() => undefined)
      .start();
    const payloads = bundle.registry.payloads;
    const append = (event: object, aggregateId: string | null = null) =>
      store.append({
        aggregateId,
        expectedVersion: 0,
        events: [
          {
            eventName: payloads.register(event.constructor as never),
            context: 'default',
            payload: payloads.serialize(event),
            metadata: {},
            createdAt: new Date(),
          },
        ],
      });
    // No Withdraw handler in this bundle: the saga's first command fails, so start it by hand.
    await append(new Withdrawn('x', 5, 'orphan'));
    await bundle.untilIdle();
    expect(await states.listSagaInstances('TransferSaga')).toEqual([]);
    const state = new TransferSagaState('to', 30, 'debiting');
    state.setAssociation('transferId', 't2');
    await states.ensureConsumer('manual', 0);
    await states.acquireLease('manual', 'me', 10_000);
    await states.commit({
      consumerId: 'manual',
      owner: 'me',
      expectedVersion: 0,
      offset: 0,
      sagaUpserts: [
        {
          sagaName: 'TransferSaga',
          sagaId: 's2',
          stateName: 'TransferSagaState',
          state: payloads.serialize(state),
          associations: state.associations,
        },
      ],
    });
    await append(new TransferCredited('to', 30, 't2'));
    await bundle.untilIdle();
    expect(await states.findSagaInstance('TransferSaga', 'transferId', 't2')).toBeUndefined();
    await bundle.stop();
  });
});
