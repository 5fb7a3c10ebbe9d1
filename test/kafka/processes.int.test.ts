/**
 * KafkaMessageBus between real processes: the test process is the API bundle, sending commands
 * and queries; the bank's domain bundle runs in child processes (domainProcess.ts) over the broker
 * and a PostgreSQL event store of the test's own. Instances are SIGKILLed, SIGSTOPped past their
 * session timeout and scaled up and down while deposits flow, and the event store judges: every
 * deposit carries an amount no other has, so an amount stored twice is a command executed twice
 * and a resolved call whose amount is missing is a command lost.
 */
import { randomInt } from 'node:crypto';
import { CommandHandler, EventoBundle, Service, ServiceCommand, Single } from '../../src';
import type { KafkaMessageBus } from '../../src/kafka';
import { Deposit, Deposited, OpenAccount } from '../domain/bank';
import { databases, openStores, type SqlDatabase, type Stores } from '../sql/databases';
import { KAFKA_BROKERS, clientsUnderTest, describeWithKafka } from '../support/kafka';
import type { ScriptBuild } from '../support/scriptProcess';
import { describeWithService } from '../support/services';
import { sleep } from '../support/waiting';
import { kafkaBusNetwork, type KafkaBusNetwork } from './busNetwork';
import { AccountBalance, GetAccountBalance } from './support/balances';
import { BUS_TIMINGS, type ClusterSettings } from './support/cluster';
import { CommandLoad } from './support/commandLoad';
import { CLEAN_VERDICT, judgeDeposits, storedDeposits } from './support/depositLedger';
import { compileDomainProcess, DomainInstance } from './support/domainInstance';

// Generous: on a loaded machine one test takes a minute and more (a bound against hangs).
jest.setTimeout(180_000);

const postgres = databases.find((d) => d.kind === 'postgres');
const kafkajs = clientsUnderTest()[0];

/**
 * The load while instances die, freeze and come and go: 50 deposits a second, at most 100
 * waiting at once; each call's timeout is generous, as a rebalance on a loaded machine can take
 * seconds.
 */
const LOAD = { perSecond: 50, timeoutMs: 30_000, maxOutstanding: 100 } as const;
/** How long every call may take to end once the load stopped (a bound against hangs). */
const SETTLE_MS = 60_000;

class Ping extends ServiceCommand {}

/** The API bundle's own component: the bundle only sends. */
@Service()
class Api {
  @CommandHandler()
  ping(_command: Ping): void {}
}

const sum = (amounts: readonly number[]): number => amounts.reduce((a, b) => a + b, 0);

/** An account's balance, asked across the bus. */
async function balanceOf(api: EventoBundle, accountId: string): Promise<number> {
  const answer = await api.queryGateway.query<Single<AccountBalance>>(new GetAccountBalance(accountId));
  return answer.data.balance;
}

const accountIds = (count: number): string[] => Array.from({ length: count }, (_, i) => `acc-${i}`);

describeWithKafka()('KafkaMessageBus between processes', () => {
  describeWithService('PostgreSQL', postgres?.url ?? '')('on PostgreSQL', () => {
    let build: ScriptBuild;
    let db: SqlDatabase;
    let tests = 0;
    let network: KafkaBusNetwork;
    let stores: Stores;
    let settings: ClusterSettings;
    let api: EventoBundle | undefined;
    let apiBus: KafkaMessageBus;
    const instances: DomainInstance[] = [];

    beforeAll(async () => {
      build = compileDomainProcess();
      db = await (postgres as NonNullable<typeof postgres>).create();
    });

    afterAll(async () => {
      build?.dispose();
      await db?.drop();
    });

    beforeEach(async () => {
      // A table prefix and a topic prefix of this test's own.
      const place = db.scoped(`t${++tests}_`).place;
      stores = await openStores(place);
      network = kafkaBusNetwork((clientId) => (kafkajs as NonNullable<typeof kafkajs>).create(clientId));
      settings = { brokers: KAFKA_BROKERS, topicPrefix: network.prefix, place };
    });

    afterEach(async () => {
      for (const instance of instances.splice(0)) {
        if (instance.gone) continue;
        instance.resume();
        await instance.kill();
      }
      await api?.stop();
      api = undefined;
      await network.cleanup();
      await stores.close();
    });

    /** The topics of the cluster. */
    async function topicsOf(prefix: string): Promise<string[]> {
      const admin = (kafkajs as NonNullable<typeof kafkajs>).create('evento-test-topics').admin();
      await admin.connect();
      try {
        return (await admin.listTopics()).filter((t) => t.startsWith(prefix));
      } finally {
        await admin.disconnect();
      }
    }

    /** Starts domain instances and waits until each has joined the cluster. */
    async function startDomain(...ids: string[]): Promise<DomainInstance[]> {
      const started = ids.map((id) => DomainInstance.start(build, settings, id));
      instances.push(...started);
      await Promise.all(started.map((instance) => instance.ready()));
      return started;
    }

    /** Starts the API bundle in this process and opens `accounts`. */
    async function startApi(accounts: readonly string[]): Promise<EventoBundle> {
      apiBus = network.connect({ ...BUS_TIMINGS, onError: () => undefined });
      api = await EventoBundle.builder()
        .setBundleId('api')
        .setComponents([Api])
        .registerPayloads([Deposited, AccountBalance])
        .setMessageBus(apiBus)
        .onError(() => undefined)
        .start();
      const bundle = api;
      await Promise.all(accounts.map((a) => bundle.commandGateway.send(new OpenAccount(a, 'owner'))));
      return bundle;
    }

    /**
     * Waits for every call of `load` to end, lets the event store judge them, and checks that the
     * cluster still answers the API: each account's balance, as the store holds it.
     */
    async function expectNoLossNoDuplicate(
      bundle: EventoBundle,
      load: CommandLoad,
      accounts: readonly string[],
    ): Promise<void> {
      load.stop();
      await load.settled(SETTLE_MS);
      expect(load.calls.filter((c) => c.settlements !== 1)).toEqual([]);
      const outcomes = load.outcomes();
      // Only the typed errors of an unknown outcome; nothing else.
      expect(outcomes).toMatchObject({ other: 0 });
      expect(outcomes.resolved).toBeGreaterThan(0);
      expect(await judgeDeposits(stores.eventStore, accounts, load.calls)).toEqual(CLEAN_VERDICT);

      const stored = await storedDeposits(stores.eventStore, accounts);
      const balances = await Promise.all(accounts.map((a) => balanceOf(bundle, a)));
      expect(balances).toEqual(accounts.map((a) => sum(stored.get(a) ?? [])));
    }

    it("serves commands and queries across three processes, one aggregate's commands in order on one instance", async () => {
      const [one, two] = (await startDomain('one', 'two')) as [DomainInstance, DomainInstance];
      const accounts = accountIds(12);
      const bundle = await startApi(accounts);

      const sent = new Map(accounts.map((a) => [a, [] as number[]]));
      const sends: Promise<Deposited>[] = [];
      for (let round = 0; round < 10; round++) {
        for (const accountId of accounts) {
          const amount = sends.length + 1;
          sent.get(accountId)?.push(amount);
          sends.push(bundle.commandGateway.send<Deposited>(new Deposit(accountId, amount)));
        }
      }
      const answers = await Promise.all(sends);
      expect(answers.map((a) => a.amount)).toEqual(sends.map((_, i) => i + 1));
      // Stored in the order sent, account by account.
      expect(await storedDeposits(stores.eventStore, accounts)).toEqual(sent);

      const total = sends.length;
      await one.until(() => one.handled.length + two.handled.length === total, 'every deposit reported');
      for (const accountId of accounts) {
        const servedBy = [one, two].filter((i) => i.handled.some((h) => h.accountId === accountId));
        expect({ accountId, servedBy: servedBy.map((i) => i.instanceId) }).toEqual({
          accountId,
          servedBy: [expect.any(String)],
        });
      }
      // Twelve lock ids over six partitions and two members: both took a share.
      expect(one.handled.length).toBeGreaterThan(0);
      expect(two.handled.length).toBeGreaterThan(0);

      // Queries carry no key: they are spread over the partitions, so over both instances.
      const queries = [...accounts, ...accounts].map((a) =>
        bundle.queryGateway.query<Single<AccountBalance>>(new GetAccountBalance(a)),
      );
      const balances = (await Promise.all(queries)).map((r) => r.data);
      for (const balance of balances) {
        const amounts = sent.get(balance.accountId) ?? [];
        expect(balance).toMatchObject({
          balance: sum(amounts),
          deposits: amounts.length,
        });
      }
      expect(new Set(balances.map((b) => b.answeredBy))).toEqual(new Set(['one', 'two']));
    });

    it('loses no acknowledged command and executes none twice when an instance is SIGKILLed under load', async () => {
      const [one, two] = (await startDomain('one', 'two')) as [DomainInstance, DomainInstance];
      const accounts = accountIds(8);
      const bundle = await startApi(accounts);
      const load = new CommandLoad(bundle.commandGateway, accounts, LOAD);
      load.start();

      const victim = randomInt(2) === 0 ? one : two;
      await victim.until(() => victim.handled.length > 0, 'a deposit handled before the kill');
      await sleep(randomInt(500, 4000));
      await victim.kill();
      const [replacement] = (await startDomain('three')) as [DomainInstance];
      const after = load.lastAmount;
      await replacement.until(
        () => replacement.handled.some((h) => h.amount > after),
        'the replacement serving deposits',
        60_000,
      );
      await sleep(1000);
      await expectNoLossNoDuplicate(bundle, load, accounts);
    });

    it('neither loses nor repeats a command when an instance frozen past its session timeout wakes up', async () => {
      const [frozen, other] = (await startDomain('one', 'two')) as [DomainInstance, DomainInstance];
      const accounts = accountIds(8);
      const bundle = await startApi(accounts);
      const load = new CommandLoad(bundle.commandGateway, accounts, LOAD);
      load.start();
      await frozen.until(
        () => frozen.handled.length > 0 && other.handled.length > 0,
        'both instances serving deposits',
      );

      const itsAccounts = new Set(frozen.handled.map((h) => h.accountId));
      const frozenAt = load.lastAmount;
      frozen.pause();
      try {
        // Past the session timeout the group gives its partitions to the other instance.
        await other.until(
          () => other.handled.some((h) => itsAccounts.has(h.accountId) && h.amount > frozenAt),
          "the frozen instance's accounts served by the other",
          60_000,
        );
      } finally {
        frozen.resume();
      }
      // Awake, it rejoins the group and serves deposits again.
      const wokeAt = load.lastAmount;
      await frozen.until(
        () => frozen.handled.some((h) => h.amount > wokeAt),
        'the woken instance serving again',
        60_000,
      );
      // Awake, it read what the others announced while it slept before judging them silent: the
      // reply topic of the API's bus is still there.
      expect(await topicsOf(network.prefix)).toContain(`${network.prefix}.replies.${apiBus.busId}`);
      await expectNoLossNoDuplicate(bundle, load, accounts);
      await frozen.stop();
    });

    it('ends every call once and stores each acknowledged command once while the bundle scales 1 → 3 → 1', async () => {
      const [first] = (await startDomain('one')) as [DomainInstance];
      const accounts = accountIds(8);
      const bundle = await startApi(accounts);
      const load = new CommandLoad(bundle.commandGateway, accounts, LOAD);
      load.start();
      await first.until(() => first.handled.length > 0, 'the first instance serving deposits');

      const added = await startDomain('two', 'three');
      const scaledAt = load.lastAmount;
      for (const instance of added)
        await instance.until(
          () => instance.handled.some((h) => h.amount > scaledAt),
          `${instance.instanceId} serving deposits`,
          60_000,
        );
      await Promise.all(added.map((instance) => instance.stop()));
      const shrunkAt = load.lastAmount;
      await first.until(
        () => first.handled.some((h) => h.amount > shrunkAt),
        'the first instance serving alone again',
        60_000,
      );
      await expectNoLossNoDuplicate(bundle, load, accounts);
      // Graceful scaling loses no answer: every call resolved.
      const unresolved = load.calls.filter((c) => c.outcome !== 'resolved');
      expect(unresolved.map((c) => `deposit ${c.amount}: ${String(c.result)}`)).toEqual([]);
    });
  });
});
