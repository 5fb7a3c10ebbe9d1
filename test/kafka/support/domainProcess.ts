/**
 * The bank's domain bundle in a process of its own, for tests that SIGKILL or SIGSTOP it.
 * DomainInstance starts it from a transpiled copy (`node -r ts-node/register/transpile-only
 * test/kafka/support/domainProcess.ts` runs it as well), with its settings as JSON in the
 * environment variable EVENTO_KAFKA_DOMAIN. It serves the bank's commands and the balance query
 * over a KafkaMessageBus, on the PostgreSQL event store of the test, and reports each Deposit it
 * handled to its parent over IPC. It exits when the parent goes away, so no test leaves one behind.
 */
import 'reflect-metadata';
import { EventoBundle, describeErrorContext, type HandlerCall } from '../../../src';
import { scopeWith } from '../../consumers/support';
import { AccountAggregate, Deposit } from '../../domain/bank';
import { openStores } from '../../sql/databases';
import { BalanceSource, Balances } from './balances';
import { clusterBus } from './cluster';
import type { DomainConfig, DomainMessage } from './domainInstance';
import { describeError, runScript, scriptConfig, toParent } from '../../support/scriptChild';

const send = (message: DomainMessage): void => toParent(message);

async function main(): Promise<void> {
  const config = scriptConfig<DomainConfig>('EVENTO_KAFKA_DOMAIN', 'domainInstance.ts');
  const { instanceId } = config;
  const stores = await openStores(config.cluster.place, { poolSize: 4 });
  const bus = clusterBus(config.cluster, instanceId, (error) =>
    send({ type: 'error', where: 'bus', message: describeError(error) }),
  );
  const report = async (call: HandlerCall, next: () => Promise<unknown>): Promise<unknown> => {
    const result = await next();
    if (call.payload instanceof Deposit)
      send({ type: 'handled', accountId: call.payload.accountId, amount: call.payload.amount });
    return result;
  };
  const bundle = await EventoBundle.builder()
    .setBundleId('bank')
    .setInstanceId(instanceId)
    .setComponents([AccountAggregate, Balances])
    .setEventStore(stores.eventStore)
    .setConsumerStateStore(stores.stateStore)
    .setContainer(scopeWith(new BalanceSource(stores.eventStore, instanceId)))
    .setMessageBus(bus)
    .addHandlerInterceptor(report)
    .setCommandConflictRetries(100)
    .setErrorHandler((error, where) =>
      send({ type: 'error', where: describeErrorContext(where), message: describeError(error) }),
    )
    .start();

  process.on('message', () => {
    // The one request is 'stop'.
    void (async () => {
      await bundle.stop();
      await bus.close();
      await stores.close();
      process.exit(0);
    })().catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
  send({ type: 'ready' });
}

runScript(main);
