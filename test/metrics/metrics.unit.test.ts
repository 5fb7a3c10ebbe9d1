import { tracingChannel } from 'node:diagnostics_channel';
import { container } from 'tsyringe';
import {
  ConcurrencyError,
  ConfigurationError,
  EventoBundle,
  EventoChannels,
  InMemoryEventStore,
  TimeoutError,
  type AppendRequest,
  type MetricsReport,
  type StoredEvent,
} from '../../src';
import { EventoMetricNames, PrometheusMetrics } from '../../src/metrics';
import { AccountAggregate, Deposit, OpenAccount } from '../domain/bank';
import { eventually, rejectionOf, sleep } from '../support/waiting';
import {
  CountTickets,
  Desk,
  Escalate,
  Escalation,
  FlakyObserver,
  OpenTicket,
  SlowObserver,
  Ticket,
  TicketCount,
  TicketProjector,
} from './ticketing';

const started: EventoBundle[] = [];
const desks: Desk[] = [];

async function startDesk(
  components: readonly unknown[],
  options: { desk?: Desk; bundleId?: string; eventStore?: InMemoryEventStore } = {},
): Promise<EventoBundle> {
  const desk = options.desk ?? new Desk();
  desks.push(desk);
  const scope = container.createChildContainer();
  scope.registerInstance(Desk, desk);
  const builder = EventoBundle.builder()
    .setBundleId(options.bundleId ?? 'desk')
    .setInstanceId('desk-1')
    .setComponents(components)
    .setContainer(scope)
    .setMetrics(new PrometheusMetrics())
    .onError(() => undefined);
  if (options.eventStore !== undefined) builder.setEventStore(options.eventStore);
  const bundle = await builder.start();
  started.push(bundle);
  return bundle;
}

afterEach(async () => {
  for (const desk of desks.splice(0)) desk.gate.open(); // a failed test may leave handlers waiting
  for (const bundle of started.splice(0)) await bundle.stop();
});

/** The value of the sample `name` whose labels are exactly `labels`; undefined when there is none. */
function sample(report: MetricsReport, name: string, labels: Record<string, string>): number | undefined {
  const family = report.families.find((f) => name === f.name || name.startsWith(`${f.name}_`));
  const found = family?.samples.filter(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found !== undefined && found.length > 1) throw new Error(`${found.length} samples of ${name} match`);
  return found?.[0]?.value;
}

const open = {
  bundle: 'desk',
  kind: 'aggregateCommand',
  component: 'Ticket',
  handler: 'open',
  payload: 'OpenTicket',
};

async function consumerOf(bundle: EventoBundle, component: string): Promise<string> {
  const report = (await bundle.consumers()).find((c) => c.component === component);
  if (report === undefined) throw new Error(`no consumer of ${component}`);
  return report.consumerId;
}

describe('bundle metrics', () => {
  it('count every call and failure of a handler, and time each one', async () => {
    const bundle = await startDesk([Ticket, TicketProjector]);
    for (let i = 1; i <= 5; i++) await bundle.commandGateway.send(new OpenTicket(`t${i}`));
    for (const id of ['refused-1', 'refused-2'])
      await rejectionOf(bundle.commandGateway.send(new OpenTicket(id)));
    await bundle.untilIdle();

    const report = await bundle.metrics();
    expect(sample(report, EventoMetricNames.handlerCalls, open)).toBe(7);
    expect(sample(report, EventoMetricNames.handlerErrors, open)).toBe(2);
    expect(sample(report, `${EventoMetricNames.handlerDuration}_count`, open)).toBe(7);
    expect(sample(report, `${EventoMetricNames.handlerDuration}_bucket`, { ...open, le: '+Inf' })).toBe(7);
    const projected = {
      ...open,
      kind: 'event',
      component: 'TicketProjector',
      handler: 'onOpened',
      payload: 'TicketOpened',
    };
    expect(sample(report, EventoMetricNames.handlerCalls, projected)).toBe(5);
    expect(sample(report, EventoMetricNames.handlerErrors, projected)).toBeUndefined();
    // Event sourcing handlers (one call per event of every load) are not measured.
    const sourcing = report.families
      .flatMap((f) => f.samples)
      .filter((s) => s.labels.kind === 'eventSourcing');
    expect(sourcing).toEqual([]);
    expect(sample(report, EventoMetricNames.commandsInFlight, { bundle: 'desk' })).toBe(0);
    expect(sample(report, EventoMetricNames.queriesInFlight, { bundle: 'desk' })).toBe(0);
    // A handler's error is no bus timeout.
    expect(report.families.find((f) => f.name === EventoMetricNames.busTimeouts)?.samples).toEqual([]);
    // No label carries an aggregate id.
    const values = report.families.flatMap((f) => f.samples.flatMap((s) => Object.values(s.labels)));
    expect(values.filter((v) => /^(t\d|refused-)/.test(v))).toEqual([]);
    // The text exposition holds the same numbers.
    expect(report.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(report.text).toContain(
      'evento_handler_calls_total{bundle="desk",kind="aggregateCommand",component="Ticket",handler="open",payload="OpenTicket"} 7\n',
    );
    expect(report.text).toContain('# TYPE evento_handler_duration_seconds histogram\n');
  });

  it("count a consumer's retries, its failures and its dead event", async () => {
    const desk = new Desk();
    const bundle = await startDesk([Ticket, FlakyObserver], { desk });
    for (const id of ['flaky-1', 'doomed-1', 'fine-1']) await bundle.commandGateway.send(new OpenTicket(id));
    await bundle.untilIdle();
    expect(Object.fromEntries(desk.attempts)).toEqual({ 'flaky-1': 3, 'doomed-1': 3, 'fine-1': 1 });

    const report = await bundle.metrics();
    const consumer = {
      bundle: 'desk',
      consumer: await consumerOf(bundle, 'FlakyObserver'),
      component: 'FlakyObserver',
    };
    // flaky-1: attempts 2 and 3; doomed-1: attempts 2 and 3, then dead.
    expect(sample(report, EventoMetricNames.consumerRetries, consumer)).toBe(4);
    expect(sample(report, EventoMetricNames.consumerDeadEvents, consumer)).toBe(1);
    expect(sample(report, EventoMetricNames.consumerLagEvents, consumer)).toBe(0);
    expect(sample(report, EventoMetricNames.consumerLagSeconds, consumer)).toBe(0);
    const handler = {
      bundle: 'desk',
      kind: 'observerEvent',
      component: 'FlakyObserver',
      handler: 'onOpened',
      payload: 'TicketOpened',
    };
    expect(sample(report, EventoMetricNames.handlerCalls, handler)).toBe(7);
    expect(sample(report, EventoMetricNames.handlerErrors, handler)).toBe(5);
  });

  it("report a slow consumer's lag in events and in time, and the batch it handled", async () => {
    const desk = new Desk();
    const bundle = await startDesk([Ticket, SlowObserver], { desk });
    const consumerId = await consumerOf(bundle, 'SlowObserver');
    const consumer = { bundle: 'desk', consumer: consumerId, component: 'SlowObserver' };
    await bundle.setConsumerEnabled(consumerId, false);
    // The first event is 50 ms older than the two after it: the lag in time is the oldest one's age.
    const before = Date.now();
    await bundle.commandGateway.send(new OpenTicket('s1'));
    await sleep(50);
    for (const id of ['s2', 's3']) await bundle.commandGateway.send(new OpenTicket(id));
    await bundle.setConsumerEnabled(consumerId, true);
    await eventually(() => desk.gate.waiting === 1, { what: 'the slow observer waiting on its first event' });

    const behind = await bundle.metrics();
    const elapsed = (Date.now() - before) / 1000;
    expect(sample(behind, EventoMetricNames.consumerLagEvents, consumer)).toBe(3);
    const lagSeconds = sample(behind, EventoMetricNames.consumerLagSeconds, consumer) ?? -1;
    expect(lagSeconds).toBeGreaterThanOrEqual(0.05);
    expect(lagSeconds).toBeLessThanOrEqual(elapsed);

    desk.gate.open();
    await bundle.untilIdle();
    const caughtUp = await bundle.metrics();
    expect(sample(caughtUp, EventoMetricNames.consumerLagEvents, consumer)).toBe(0);
    expect(sample(caughtUp, EventoMetricNames.consumerLagSeconds, consumer)).toBe(0);
    // Resumed with three events waiting, it fetched them as one batch.
    expect(sample(caughtUp, `${EventoMetricNames.consumerBatchSize}_count`, consumer)).toBe(1);
    expect(sample(caughtUp, `${EventoMetricNames.consumerBatchSize}_sum`, consumer)).toBe(3);
    expect(sample(caughtUp, `${EventoMetricNames.consumerBatchSize}_bucket`, { ...consumer, le: '2' })).toBe(
      0,
    );
    expect(sample(caughtUp, `${EventoMetricNames.consumerBatchSize}_bucket`, { ...consumer, le: '5' })).toBe(
      1,
    );
  });

  it('count commands and queries in flight, and the sends that timed out', async () => {
    const desk = new Desk();
    const bundle = await startDesk([Escalation, TicketCount], { desk });
    const timedOut = await rejectionOf(
      bundle.commandGateway.send(new Escalate('e1'), undefined, { timeoutMs: 20 }),
    );
    expect(timedOut).toBeInstanceOf(TimeoutError);
    const answer = bundle.queryGateway.query(new CountTickets());
    await eventually(() => desk.gate.waiting === 2, { what: 'the command and the query both waiting' });

    const busy = await bundle.metrics();
    expect(sample(busy, EventoMetricNames.commandsInFlight, { bundle: 'desk' })).toBe(1);
    expect(sample(busy, EventoMetricNames.queriesInFlight, { bundle: 'desk' })).toBe(1);
    expect(
      sample(busy, EventoMetricNames.busTimeouts, { bundle: 'desk', kind: 'command', payload: 'Escalate' }),
    ).toBe(1);
    expect(
      sample(busy, EventoMetricNames.busTimeouts, { bundle: 'desk', kind: 'query', payload: 'CountTickets' }),
    ).toBeUndefined();

    desk.gate.open();
    await answer;
    await bundle.untilIdle();
    const idle = await bundle.metrics();
    expect(sample(idle, EventoMetricNames.commandsInFlight, { bundle: 'desk' })).toBe(0);
    expect(sample(idle, EventoMetricNames.queriesInFlight, { bundle: 'desk' })).toBe(0);
    // The timed-out command's handler still ran to its end, without failing.
    const escalate = {
      bundle: 'desk',
      kind: 'command',
      component: 'Escalation',
      handler: 'escalate',
      payload: 'Escalate',
    };
    expect(sample(idle, EventoMetricNames.handlerCalls, escalate)).toBe(1);
    expect(sample(idle, EventoMetricNames.handlerErrors, escalate)).toBeUndefined();
  });

  it('count the aggregate conflict retries that bundle.stats() reports', async () => {
    const store = new ContendedStore();
    const bundle = await startDesk([AccountAggregate], { bundleId: 'bank', eventStore: store });
    await bundle.commandGateway.send(new OpenAccount('a', 'ann'));
    store.refusals = 3;
    await bundle.commandGateway.send(new Deposit('a', 1));
    const labels = { bundle: 'bank', aggregate: 'AccountAggregate' };
    expect(sample(await bundle.metrics(), EventoMetricNames.aggregateConflictRetries, labels)).toBe(3);
    store.refusals = 1;
    await bundle.commandGateway.send(new Deposit('a', 1));
    expect(sample(await bundle.metrics(), EventoMetricNames.aggregateConflictRetries, labels)).toBe(4);
    expect(bundle.stats().conflictRetries).toEqual({ AccountAggregate: 4 });
  });

  it('keep two bundles of one process apart, each in its own registry', async () => {
    const first = await startDesk([Ticket], { bundleId: 'first' });
    const second = await startDesk([Ticket], { bundleId: 'second' });
    for (const id of ['a', 'b']) await first.commandGateway.send(new OpenTicket(id));
    for (const id of ['c', 'd', 'e']) await second.commandGateway.send(new OpenTicket(id));

    const one = await first.metrics();
    const two = await second.metrics();
    expect(sample(one, EventoMetricNames.handlerCalls, { ...open, bundle: 'first' })).toBe(2);
    expect(sample(two, EventoMetricNames.handlerCalls, { ...open, bundle: 'second' })).toBe(3);
    const bundles = (report: MetricsReport): string[] => [
      ...new Set(report.families.flatMap((f) => f.samples.map((s) => s.labels.bundle ?? ''))),
    ];
    expect(bundles(one)).toEqual(['first']);
    expect(bundles(two)).toEqual(['second']);
  });

  it('stop listening when the bundle stops, and refuse serving two bundles with one instance', async () => {
    const command = tracingChannel(EventoChannels.command);
    const bundle = await startDesk([Ticket]);
    expect(command.hasSubscribers).toBe(true);
    await bundle.stop();
    expect(command.hasSubscribers).toBe(false);

    const shared = new PrometheusMetrics();
    const builder = (id: string) =>
      EventoBundle.builder().setBundleId(id).setComponents([Ticket]).setMetrics(shared);
    started.push(await builder('one').start());
    const refused = await rejectionOf(builder('two').start());
    expect(refused).toBeInstanceOf(ConfigurationError);
    expect((refused as Error).message).toContain("already serve bundle 'one'");
  });

  it('are refused with what to do when the bundle collects none, and nothing listens', async () => {
    const bundle = await EventoBundle.builder().setBundleId('plain').setComponents([Ticket]).start();
    started.push(bundle);
    expect(tracingChannel(EventoChannels.command).hasSubscribers).toBe(false);
    expect(() => bundle.metrics()).toThrow(ConfigurationError);
    expect(() => bundle.metrics()).toThrow(/setMetrics\(new PrometheusMetrics\(\)\)/);
  });
});

/** An in-memory store that refuses the next `refusals` appends as if another writer got there first. */
class ContendedStore extends InMemoryEventStore {
  refusals = 0;

  override async append(request: AppendRequest): Promise<StoredEvent[]> {
    if (this.refusals > 0 && request.aggregateId !== null) {
      this.refusals--;
      throw new ConcurrencyError(request.aggregateId, request.expectedVersion, request.expectedVersion + 1);
    }
    return super.append(request);
  }
}
