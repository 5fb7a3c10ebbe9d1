import { container } from 'tsyringe';
import {
  CommandGateway,
  CommandHandler,
  ConfigurationError,
  EventoBundle,
  InMemoryEventStore,
  InProcessMessageBus,
  InvalidArgumentError,
  InvocationHandler,
  Invoker,
  Metadata,
  NoHandlerError,
  QueryGateway,
  Service,
  ServiceCommand,
  ServiceEvent,
  TimeoutError,
  type Multiple,
  type Single,
} from '../../src';
import {
  AccountAggregate,
  AccountProjection,
  AccountReadModel,
  AccountView,
  Deposit,
  FindAccount,
  InsufficientFundsError,
  ListAccounts,
  OpenAccount,
  Withdraw,
} from '../domain/bank';

class Notify extends ServiceCommand {
  constructor(
    readonly to: string,
    readonly delayMs = 0,
  ) {
    super();
  }
}
class Notified extends ServiceEvent {
  constructor(
    readonly to: string,
    readonly correlation: string,
  ) {
    super();
  }
}

@Service()
class Notifier {
  seen: Metadata[] = [];
  @CommandHandler()
  async notify(command: Notify, metadata: Metadata): Promise<Notified> {
    this.seen.push(metadata);
    if (command.delayMs > 0) await new Promise((r) => setTimeout(r, command.delayMs));
    return new Notified(command.to, metadata.correlationId);
  }
}

@Invoker()
class BankInvoker {
  constructor(
    private readonly commands: CommandGateway,
    private readonly queries: QueryGateway,
  ) {}

  @InvocationHandler()
  async openAndNotify(id: string): Promise<void> {
    await this.commands.send(new OpenAccount(id, 'ann'));
    await this.commands.send(new Notify('ann'));
  }

  @InvocationHandler()
  async find(id: string): Promise<Single<AccountView>> {
    return this.queries.query(new FindAccount(id));
  }
}

async function start(): Promise<{
  bundle: EventoBundle;
  model: AccountReadModel;
  store: InMemoryEventStore;
}> {
  const model = new AccountReadModel();
  const scope = container.createChildContainer();
  scope.registerInstance(AccountReadModel, model);
  const store = new InMemoryEventStore();
  const bundle = await EventoBundle.builder()
    .setBundleId('bank')
    .setComponents([AccountAggregate, AccountProjection, Notifier, BankInvoker])
    .setContainer(scope)
    .setEventStore(store)
    .start();
  return { bundle, model, store };
}

describe('gateways', () => {
  it('rejects with the handler’s own error class', async () => {
    const { bundle } = await start();
    await bundle.commandGateway.send(new OpenAccount('a1', 'ann'));
    await expect(bundle.commandGateway.send(new Withdraw('a1', 5))).rejects.toBeInstanceOf(
      InsufficientFundsError,
    );
    await bundle.stop();
  });

  it('rejects an unknown command with NoHandlerError and a non-command with InvalidArgumentError', async () => {
    const { bundle } = await start();
    class Unknown extends ServiceCommand {}
    await expect(bundle.commandGateway.send(new Unknown())).rejects.toThrow(NoHandlerError);
    await expect(bundle.commandGateway.send({})).rejects.toThrow(InvalidArgumentError);
    await bundle.stop();
  });

  it('rejects with TimeoutError when the handler takes longer than the timeout', async () => {
    const { bundle } = await start();
    await expect(
      bundle.commandGateway.send(new Notify('x', 200), undefined, { timeoutMs: 20 }),
    ).rejects.toBeInstanceOf(TimeoutError);
    await bundle.stop();
  });

  it('a service event is appended and returned', async () => {
    const { bundle, store } = await start();
    const event = await bundle.commandGateway.send<Notified>(new Notify('bob'));
    expect(event).toBeInstanceOf(Notified);
    const [stored] = await store.readStream({ after: 0, limit: 10 });
    expect(stored).toMatchObject({ eventName: 'Notified', aggregateId: null, aggregateVersion: null });
    await bundle.stop();
  });

  it('answers queries with Single and Multiple', async () => {
    const { bundle, model } = await start();
    model.accounts.set('a1', new AccountView('a1', 'ann', 3));
    model.accounts.set('a2', new AccountView('a2', 'bob', 4));
    const one = await bundle.queryGateway.query(new FindAccount('a1'));
    expect(one.data.balance).toBe(3);
    const many: Multiple<AccountView> = await bundle.queryGateway.query(new ListAccounts());
    expect(many.data.map((v) => v.owner)).toEqual(['ann', 'bob']);
    await expect(bundle.queryGateway.query(new FindAccount('zz'))).rejects.toThrow('No account zz');
    await bundle.stop();
  });

  it('an invocation starts a flow: its commands share a new correlation id and name the invocation as cause', async () => {
    const { bundle, store } = await start();
    const notifier = bundle.container.resolve(Notifier);
    expect(notifier).toBeDefined();
    await bundle.getInvoker(BankInvoker).openAndNotify('a9');
    await bundle.getInvoker(BankInvoker).openAndNotify('a10');
    const events = await store.readStream({ after: 0, limit: 10 });
    const [opened, notified, opened2] = events;
    expect(opened?.metadata.correlationId).toBeTruthy();
    expect(notified?.metadata.correlationId).toBe(opened?.metadata.correlationId);
    expect(opened2?.metadata.correlationId).not.toBe(opened?.metadata.correlationId);
    await bundle.stop();
  });

  it('lets two bundles on one bus reach each other’s handlers, and refuses a command claimed by both', async () => {
    const bus = new InProcessMessageBus();
    const model = new AccountReadModel();
    const scope = container.createChildContainer();
    scope.registerInstance(AccountReadModel, model);
    const accounts = await EventoBundle.builder()
      .setBundleId('accounts')
      .setComponents([AccountAggregate])
      .setMessageBus(bus)
      .start();
    const notifications = await EventoBundle.builder()
      .setBundleId('notifications')
      .setComponents([Notifier])
      .setMessageBus(bus)
      .start();
    await notifications.commandGateway.send(new OpenAccount('z', 'zed'));
    await expect(accounts.commandGateway.send(new Deposit('z', 1))).resolves.toBeDefined();
    await expect(accounts.commandGateway.send(new Notify('zed'))).resolves.toBeInstanceOf(Notified);
    await expect(
      EventoBundle.builder()
        .setBundleId('copycat')
        .setComponents([AccountAggregate])
        .setMessageBus(bus)
        .start(),
    ).rejects.toThrow(ConfigurationError);
    await accounts.stop();
    await notifications.stop();
    await expect(accounts.commandGateway.send(new Deposit('z', 1))).rejects.toThrow(NoHandlerError);
  });
});
