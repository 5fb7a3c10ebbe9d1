/**
 * A bundle in a process of its own, for tests that SIGKILL it. workerProcess.ts starts it from a
 * transpiled copy (`node -r ts-node/register/transpile-only test/sql/worker.ts` runs it as well),
 * with its settings as JSON in the environment variable EVENTO_SQL_WORKER. It runs ledger
 * projectors on the real stores and talks to its parent over the IPC channel (see WorkerRequest /
 * WorkerMessage). It exits when the parent goes away, so no test leaves one behind.
 */
import 'reflect-metadata';
import { EventoBundle, describeErrorContext } from '../../src';
import { scopeWith } from '../consumers/support';
import { AccountAggregate, Deposit } from '../domain/bank';
import { openStores, tableOf } from './databases';
import { Ledger, ledgerProjectors } from './ledger';
import type { WorkerConfig, WorkerMessage, WorkerRequest } from './workerProcess';
import { describeError, runScript, scriptConfig, toParent } from '../support/scriptChild';

const send = (message: WorkerMessage): void => toParent(message);

async function main(): Promise<void> {
  const config = scriptConfig<WorkerConfig>('EVENTO_SQL_WORKER', 'workerProcess.ts');
  const { place } = config;
  const stores = await openStores(place, { poolSize: 4 });
  const ledger = new Ledger(place.kind, (name) => tableOf(place, name), {
    handledBy: config.instanceId,
    delayMs: config.delayMs,
    ...(config.reportApplied
      ? { onApplied: (entry) => send({ type: 'applied', sequenceNumber: entry.sequenceNumber }) }
      : {}),
  });
  const components = config.projectors.map((name) => {
    const projector = ledgerProjectors[name];
    if (projector === undefined) throw new Error(`No ledger projector named ${name}`);
    return projector;
  });
  const bundle = await EventoBundle.builder()
    .setBundleId(config.bundleId)
    .setInstanceId(config.instanceId)
    .setComponents([AccountAggregate, ...components])
    .setEventStore(stores.eventStore)
    .setConsumerStateStore(stores.stateStore)
    .setContainer(scopeWith(ledger))
    .setLeaseTtl(config.leaseTtlMs)
    .setCommandConflictRetries(100)
    .setErrorHandler((error, where) =>
      send({ type: 'error', where: describeErrorContext(where), message: describeError(error) }),
    )
    .start();

  process.on('message', (request: WorkerRequest) => {
    void (async () => {
      try {
        if (request.type === 'report') {
          send({ type: 'report', id: request.id, consumers: await bundle.consumers() });
        } else if (request.type === 'deposit') {
          let next = 0;
          const { keyPrefix } = request;
          await Promise.all(
            Array.from({ length: request.concurrency }, async () => {
              while (next < request.count) {
                const k = next++;
                const options = keyPrefix === undefined ? {} : { idempotencyKey: `${keyPrefix}-${k}` };
                await bundle.commandGateway.send(new Deposit(request.accountId, 1), undefined, options);
              }
            }),
          );
          send({ type: 'deposited', id: request.id, conflictRetries: bundle.stats().conflictRetries });
        } else if (request.type === 'idle') {
          await bundle.untilIdle();
          send({ type: 'idle', id: request.id });
        } else {
          await bundle.stop();
          await stores.close();
          process.exit(0);
        }
      } catch (error) {
        send({ type: 'failed', id: request.id, message: describeError(error) });
      }
    })();
  });
  send({ type: 'ready' });
}

runScript(main);
