import {
  CommandHandler,
  EventoBundle,
  IdempotencyKeyConflictError,
  InvalidArgumentError,
  InMemoryEventStore,
  MetadataKeys,
  Service,
  ServiceCommand,
  ServiceEvent,
} from '../../src';
import { AccountAggregate, AccountOpened, Deposit, Deposited, OpenAccount } from '../domain/bank';
import { rejectionOf } from '../support/waiting';

class Charge extends ServiceCommand {
  constructor(readonly amount: number) {
    super();
  }
}
class Charged extends ServiceEvent {
  constructor(readonly amount: number) {
    super();
  }
}
class Notify extends ServiceCommand {}

const calls = { charge: 0, notify: 0 };

@Service()
class Payments {
  @CommandHandler()
  charge(command: Charge): Charged[] {
    calls.charge++;
    return [new Charged(command.amount), new Charged(-command.amount)];
  }

  @CommandHandler()
  notify(_command: Notify): void {
    calls.notify++;
  }
}

async function start(eventStore = new InMemoryEventStore()) {
  const bundle = await EventoBundle.builder()
    .setBundleId('idem')
    .setComponents([AccountAggregate, Payments])
    .setEventStore(eventStore)
    .start();
  return { bundle, eventStore };
}

describe('idempotent commands', () => {
  beforeEach(() => {
    calls.charge = 0;
    calls.notify = 0;
  });

  it('an aggregate command sent again with its key appends nothing and resolves to the first event', async () => {
    const { bundle, eventStore } = await start();
    const first = await bundle.commandGateway.send<AccountOpened>(new OpenAccount('a1', 'ann'), undefined, {
      idempotencyKey: 'open-a1',
    });
    // An init command decided again would fail (the account exists): it is not decided again.
    const again = await bundle.commandGateway.send<AccountOpened>(new OpenAccount('a1', 'ann'), undefined, {
      idempotencyKey: 'open-a1',
    });

    expect(again).toBeInstanceOf(AccountOpened);
    expect(again).toEqual(first);
    expect(await eventStore.readAggregate('a1')).toHaveLength(1);
    await bundle.stop();
  });

  it('every command carries a key, its message id by default; commands without a chosen key all run', async () => {
    const { bundle, eventStore } = await start();
    await bundle.commandGateway.send(new OpenAccount('a2', 'bob'));
    await bundle.commandGateway.send(new Deposit('a2', 5));
    await bundle.commandGateway.send(new Deposit('a2', 5));

    const events = await eventStore.readAggregate('a2');
    expect(events).toHaveLength(3);
    const deposit = events[1];
    const key = deposit?.metadata[MetadataKeys.idempotencyKey];
    expect(key).toBeDefined();
    expect((await eventStore.findCommand(key as string))?.events.map((e) => e.eventId)).toEqual([
      deposit?.eventId,
    ]);
    await bundle.stop();
  });

  it('the same key with another command is IdempotencyKeyConflictError naming the key, and runs nothing', async () => {
    const { bundle, eventStore } = await start();
    await bundle.commandGateway.send(new OpenAccount('a3', 'cy'));
    await bundle.commandGateway.send(new Deposit('a3', 5), undefined, { idempotencyKey: 'pay-1' });

    for (const other of [new Deposit('a3', 6), new Charge(5)]) {
      const error = await rejectionOf(
        bundle.commandGateway.send(other, undefined, { idempotencyKey: 'pay-1' }),
      );
      expect(error).toBeInstanceOf(IdempotencyKeyConflictError);
      expect((error as Error).message).toContain('"pay-1"');
    }
    expect(calls.charge).toBe(0);
    expect((await eventStore.readAggregate('a3')).map((e) => e.eventName)).toEqual([
      'AccountOpened',
      'Deposited',
    ]);
    await bundle.stop();
  });

  it('a service command sent again resolves to its first events, shaped as the handler returned them, without running', async () => {
    const { bundle } = await start();
    const first = await bundle.commandGateway.send<Charged[]>(new Charge(7), undefined, {
      idempotencyKey: 'c-1',
    });
    const again = await bundle.commandGateway.send<Charged[]>(new Charge(7), undefined, {
      idempotencyKey: 'c-1',
    });

    expect(calls.charge).toBe(1);
    expect(Array.isArray(again)).toBe(true);
    expect(again).toEqual(first);
    expect(again[0]).toBeInstanceOf(Charged);
    await bundle.stop();
  });

  it('a service command that appends nothing records no key, so it runs each time it is delivered', async () => {
    const { bundle } = await start();
    await bundle.commandGateway.send(new Notify(), undefined, { idempotencyKey: 'n-1' });
    await bundle.commandGateway.send(new Notify(), undefined, { idempotencyKey: 'n-1' });
    expect(calls.notify).toBe(2);
    await bundle.stop();
  });

  it('concurrent deliveries of one command with one key execute once', async () => {
    const { bundle, eventStore } = await start();
    await bundle.commandGateway.send(new OpenAccount('a4', 'dee'));
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        bundle.commandGateway.send<Deposited>(new Deposit('a4', 3), undefined, { idempotencyKey: 'dep-a4' }),
      ),
    );
    expect(await eventStore.readAggregate('a4')).toHaveLength(2);
    for (const result of results) expect(result).toEqual(results[0]);
    await bundle.stop();
  });

  it('refuses an empty or overlong idempotency key before sending', async () => {
    const { bundle } = await start();
    for (const idempotencyKey of ['', 'k'.repeat(256)]) {
      const error = await rejectionOf(
        bundle.commandGateway.send(new Charge(1), undefined, { idempotencyKey }),
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
    }
    expect(calls.charge).toBe(0);
    await bundle.stop();
  });
});
