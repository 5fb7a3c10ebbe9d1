import {
  CommandGateway,
  DomainEvent,
  EventHandler,
  Metadata,
  Observer,
  Projector,
  ProjectorStatus,
  PublishedEvent,
  StoreTransaction,
  InvalidArgumentError,
} from 'evento-ts';
import { ProjectorTestFixture, published } from 'evento-ts/testing';
import { AccountOpened, AccountReadModel, AccountView, Deposit, Deposited, Withdrawn } from '../domain/bank';
import { AccountProjector, PickyObserver, PoisonSwitch, TransferSaga } from '../domain/bankConsumers';
import { assertionFailureOf, failureOf } from './support';

const openedAt = new Date('2026-01-01T00:00:00Z');

/** An idempotent balance projector: it remembers the sequence numbers it applied. */
class Balances {
  readonly byAccount = new Map<string, number>();
  readonly applied = new Set<number>();
  balanceOf(accountId: string): number | undefined {
    return this.byAccount.get(accountId);
  }
}

@Projector()
class BalanceProjector {
  constructor(private readonly balances: Balances) {}

  @EventHandler()
  onOpened(event: AccountOpened, published: PublishedEvent): void {
    if (this.once(published)) this.balances.byAccount.set(event.accountId, 0);
  }

  @EventHandler()
  onDeposited(event: Deposited, published: PublishedEvent): void {
    if (this.once(published))
      this.balances.byAccount.set(
        event.accountId,
        (this.balances.byAccount.get(event.accountId) ?? 0) + event.amount,
      );
  }

  private once(published: PublishedEvent): boolean {
    if (this.balances.applied.has(published.sequenceNumber)) return false;
    this.balances.applied.add(published.sequenceNumber);
    return true;
  }
}

/** Adds up deposits: not idempotent, a second delivery counts twice. */
class Totals {
  readonly byAccount = new Map<string, { deposits: number; total: number }>();
}

@Projector()
class TotalsProjector {
  constructor(private readonly totals: Totals) {}

  @EventHandler()
  onDeposited(event: Deposited): void {
    const current = this.totals.byAccount.get(event.accountId) ?? { deposits: 0, total: 0 };
    this.totals.byAccount.set(event.accountId, {
      deposits: current.deposits + 1,
      total: current.total + event.amount,
    });
  }
}

/** Records what the processor hands its handlers. */
class Seen {
  readonly messages: PublishedEvent[] = [];
  readonly metadata: Metadata[] = [];
  readonly transactions: unknown[] = [];
}

class BankDeposited extends DomainEvent {
  constructor(readonly amount: number) {
    super();
  }
  override getContext(): string {
    return 'bank';
  }
}

@Projector({ contexts: ['bank'] })
class BankContextProjector {
  constructor(private readonly seen: Seen) {}

  @EventHandler()
  onDeposited(_event: Deposited, message: PublishedEvent): void {
    this.seen.messages.push(message);
  }

  @EventHandler()
  onBankDeposited(_event: BankDeposited, message: PublishedEvent): void {
    this.seen.messages.push(message);
  }
}

@Projector()
class RecordingProjector {
  constructor(private readonly seen: Seen) {}

  @EventHandler()
  onDeposited(
    _event: Deposited,
    message: PublishedEvent,
    metadata: Metadata,
    transaction: StoreTransaction,
  ): void {
    this.seen.messages.push(message);
    this.seen.metadata.push(metadata);
    this.seen.transactions.push(transaction.client);
  }
}

/** Sends a command for big deposits, only once caught up. */
@Observer()
class BigDepositObserver {
  constructor(private readonly commands: CommandGateway) {}

  @EventHandler()
  async onDeposited(event: Deposited, status: ProjectorStatus): Promise<void> {
    if (event.amount >= 1000 && status.isHeadReached()) await this.commands.send(new Deposit('bonus', 1));
  }
}

describe('ProjectorTestFixture', () => {
  it('handles the given events, then the event under test; assert through your own read model', async () => {
    const model = new AccountReadModel();
    await ProjectorTestFixture.of(AccountProjector, { resources: [model] })
      .given(new AccountOpened('a1', 'ann', openedAt), new Deposited('a1', 30))
      .whenPublished(new Withdrawn('a1', 10));
    expect(model.accounts.get('a1')).toEqual(new AccountView('a1', 'ann', 20));
    expect(model.handled).toEqual([1, 2, 3]);
  });

  it('isHeadReached defaults to true and can be set to test replay-aware behaviour', async () => {
    const live = new AccountReadModel();
    await ProjectorTestFixture.of(AccountProjector, { resources: [live] })
      .given(new AccountOpened('a1', 'ann', openedAt))
      .whenPublished(new Deposited('a1', 5));
    expect(live.liveUpdates).toBe(1);
    const replaying = new AccountReadModel();
    await ProjectorTestFixture.of(AccountProjector, { resources: [replaying], isHeadReached: false })
      .given(new AccountOpened('a1', 'ann', openedAt))
      .whenPublished(new Deposited('a1', 5));
    expect(replaying.liveUpdates).toBe(0);
    expect(replaying.accounts.get('a1')?.balance).toBe(5);
    const switched = new AccountReadModel();
    await ProjectorTestFixture.of(AccountProjector, { resources: [switched] })
      .givenHeadReached(false)
      .given(new AccountOpened('a1', 'ann', openedAt))
      .whenPublished(new Deposited('a1', 5));
    expect(switched.liveUpdates).toBe(0);
  });

  it('expectReadModel checks the read model in the chain', async () => {
    const balances = new Balances();
    await ProjectorTestFixture.of(BalanceProjector, { resources: [balances] })
      .given(new AccountOpened('a1', 'ann', openedAt))
      .whenPublished(new Deposited('a1', 7))
      .expectSuccessfulHandlerExecution()
      .expectReadModel(() => balances.balanceOf('a1') === 7)
      .expectReadModel(async () => {
        expect(balances.balanceOf('a1')).toBe(7);
      });
  });

  describe('whenReplayedTwice', () => {
    it('runs the given events twice; an idempotent projector counts each once', async () => {
      const balances = new Balances();
      await ProjectorTestFixture.of(BalanceProjector, { resources: [balances] })
        .given(new AccountOpened('a1', 'ann', openedAt), new Deposited('a1', 30), new Deposited('a1', 12))
        .whenReplayedTwice(() => balances.balanceOf('a1'));
      expect(balances.balanceOf('a1')).toBe(42);
    });

    it('compares the read model after each pass and fails with the difference when it is not idempotent', async () => {
      const totals = new Totals();
      const error = await assertionFailureOf(
        ProjectorTestFixture.of(TotalsProjector, { resources: [totals] })
          .given(new Deposited('a1', 30), new Deposited('a1', 5))
          .whenReplayedTwice(() => totals.byAccount),
      );
      expect(error.message).toContain('TotalsProjector is not idempotent');
      expect(error.message).toContain("get('a1').deposits: expected 2, got 4");
      expect(error.message).toContain("get('a1').total: expected 35, got 70");
    });

    it('a projector that rebuilds a view from its first event passes', async () => {
      const model = new AccountReadModel();
      await ProjectorTestFixture.of(AccountProjector, { resources: [model] })
        .given(new AccountOpened('a1', 'ann', openedAt), new Deposited('a1', 30))
        .whenReplayedTwice(() => model.accounts);
      expect(model.accounts.get('a1')?.balance).toBe(30);
    });

    it('without a read model function it only runs the events twice, for your own assertions', async () => {
      const totals = new Totals();
      await ProjectorTestFixture.of(TotalsProjector, { resources: [totals] })
        .given(new Deposited('a1', 30))
        .whenReplayedTwice();
      expect(totals.byAccount.get('a1')).toEqual({ deposits: 2, total: 60 });
    });

    it('needs given events', () => {
      expect(() =>
        ProjectorTestFixture.of(AccountProjector, {
          resources: [new AccountReadModel()],
        }).whenReplayedTwice(),
      ).toThrow(InvalidArgumentError);
    });
  });

  it('hands handlers the published event, its metadata, and the store transaction client', async () => {
    const seen = new Seen();
    const client = { name: 'fake transaction' };
    const at = new Date('2026-02-01T00:00:00Z');
    await ProjectorTestFixture.of(RecordingProjector, { resources: [seen], storeTransaction: client })
      .given(
        published(new Deposited('a1', 1), { aggregateId: 'a1' }),
        published(new Deposited('a2', 1), { aggregateId: 'a2' }),
      )
      .whenPublished(
        published(new Deposited('a1', 2), { aggregateId: 'a1', metadata: { user: 'ann' }, timestamp: at }),
      );
    const last = seen.messages[2] as PublishedEvent;
    expect(last.sequenceNumber).toBe(3);
    expect(last.aggregateId).toBe('a1');
    expect(last.aggregateVersion).toBe(2);
    expect(last.createdAt).toEqual(at);
    expect(last.payload).toEqual(new Deposited('a1', 2));
    expect(seen.metadata[2]?.get('user')).toBe('ann');
    expect(seen.metadata[2]?.correlationId).not.toBe('');
    expect(seen.transactions).toEqual([client, client, client]);
  });

  it('respects the contexts the projector consumes', async () => {
    const seen = new Seen();
    const outcome = await ProjectorTestFixture.of(BankContextProjector, { resources: [seen] }).whenPublished(
      new Deposited('a1', 1),
    );
    expect(outcome.handled).toBe(false);
    expect(seen.messages).toEqual([]);
    const bank = await ProjectorTestFixture.of(BankContextProjector, { resources: [seen] }).whenPublished(
      new BankDeposited(1),
    );
    expect(bank.handled).toBe(true);
    expect(seen.messages.map((m) => m.context)).toEqual(['bank']);
  });

  describe('observers', () => {
    it('tests an observer; its dispatched commands are recorded', async () => {
      await ProjectorTestFixture.of(BigDepositObserver)
        .whenPublished(new Deposited('a1', 1000))
        .expectDispatchedCommands(new Deposit('bonus', 1));
      await ProjectorTestFixture.of(BigDepositObserver, { isHeadReached: false })
        .whenPublished(new Deposited('a1', 1000))
        .expectNoDispatchedCommands();
    });

    it('a handler that throws rejects the awaited result, unless expectException says so', async () => {
      const poison = new PoisonSwitch();
      const error = await failureOf(
        ProjectorTestFixture.of(PickyObserver, { resources: [poison] }).whenPublished(
          new Deposited('a1', 13),
        ),
      );
      expect(error.message).toContain(
        'PickyObserver handling Deposited failed with RangeError: "13 is unlucky"',
      );
      await ProjectorTestFixture.of(PickyObserver, { resources: [poison] })
        .whenPublished(new Deposited('a1', 13))
        .expectException(RangeError, 'unlucky');
    });

    it('fails the scenario when a given event fails', async () => {
      const error = await assertionFailureOf(
        ProjectorTestFixture.of(PickyObserver, { resources: [new PoisonSwitch()] })
          .given(new Deposited('a1', 13))
          .whenPublished(new Deposited('a1', 1)),
      );
      expect(error.message).toContain('given(): event 1 (Deposited) failed in PickyObserver with RangeError');
    });
  });

  it('rejects a component that is not a projector or an observer', () => {
    expect(() => ProjectorTestFixture.of(TransferSaga)).toThrow(/is a @Saga.*use SagaTestFixture/);
  });
});
