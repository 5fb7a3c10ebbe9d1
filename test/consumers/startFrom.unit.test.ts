import {
  EventHandler,
  EventoBundle,
  InMemoryConsumerStateStore,
  InMemoryEventStore,
  Observer,
  PublishedEvent,
} from '../../src';
import { AccountAggregate, Deposit, Deposited, OpenAccount } from '../domain/bank';

const seenByDefault: number[] = [];
const seenFromBeginning: number[] = [];

@Observer()
class LateObserver {
  @EventHandler()
  on(_event: Deposited, published: PublishedEvent): void {
    seenByDefault.push(published.sequenceNumber);
  }
}

@Observer({ startFrom: 'beginning' })
class HistoryObserver {
  @EventHandler()
  on(_event: Deposited, published: PublishedEvent): void {
    seenFromBeginning.push(published.sequenceNumber);
  }
}

describe('where a new consumer starts', () => {
  it('sagas and observers start at the head unless told to start from the beginning', async () => {
    const store = new InMemoryEventStore();
    const states = new InMemoryConsumerStateStore();
    const writer = await EventoBundle.builder()
      .setBundleId('writer')
      .setComponents([AccountAggregate])
      .setEventStore(store)
      .start();
    await writer.commandGateway.send(new OpenAccount('a', 'ann'));
    await writer.commandGateway.send(new Deposit('a', 1)); // seq 2, before the observers exist

    const readers = await EventoBundle.builder()
      .setBundleId('readers')
      .setComponents([LateObserver, HistoryObserver])
      .setEventStore(store)
      .setConsumerStateStore(states)
      .start();
    await writer.commandGateway.send(new Deposit('a', 1)); // seq 3
    await readers.untilIdle();
    expect(seenByDefault).toEqual([3]);
    expect(seenFromBeginning).toEqual([2, 3]);

    // A restart keeps the offset: the head rule applies only to a consumer's first start.
    await readers.stop();
    await writer.commandGateway.send(new Deposit('a', 1)); // seq 4, while the readers are down
    const again = await EventoBundle.builder()
      .setBundleId('readers')
      .setComponents([LateObserver, HistoryObserver])
      .setEventStore(store)
      .setConsumerStateStore(states)
      .start();
    await again.untilIdle();
    expect(seenByDefault).toEqual([3, 4]);
    expect(seenFromBeginning).toEqual([2, 3, 4]);
    await again.stop();
    await writer.stop();
  });
});
