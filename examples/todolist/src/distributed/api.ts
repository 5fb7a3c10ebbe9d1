import type { AddressInfo } from 'node:net';
import { EventoBundle } from 'evento-ts';
import { PrometheusMetrics } from 'evento-ts/metrics';
import { ChangeFeed } from '../api/changeFeed';
import { registerMetricsRoute } from '../api/metricsRoute';
import { buildServer } from '../api/server';
import { TodoListChangeNotifier } from '../domain/todolist/TodoListChangeNotifier';
import { TodoListInvoker } from '../domain/todolist/TodoListInvoker';
import { ChangeListener, changeChannel } from './changeChannel';
import { runProcess, type RunningProcess } from './runProcess';
import { distributedSettings, type DistributedSettings } from './settings';
import { todoListBus } from './todoListBus';
import { todoListErrors } from './todoListErrors';

/**
 * The API process: the web page, the HTTP API and its invoker. Commands and queries go over Kafka
 * to the domain process; the only thing read from PostgreSQL is the change channel the domain
 * process notifies on (no table), which feeds the Server-Sent Events.
 */
async function startApi(settings: DistributedSettings): Promise<RunningProcess> {
  const notifier = new TodoListChangeNotifier();
  const channel = changeChannel(settings.pgSchema);
  const listener = await ChangeListener.start(settings.pgUrl, channel, notifier, (error) =>
    console.error('todolist api: the change channel was lost, reconnecting:', error),
  );
  const bus = todoListBus(settings, 'todolist-api');
  let bundle: EventoBundle;
  try {
    bundle = await EventoBundle.builder()
      .setBundleId('todolist-api')
      .setComponents([TodoListInvoker])
      .setMessageBus(bus)
      .registerErrors(todoListErrors)
      .setMetrics(new PrometheusMetrics())
      .start();
  } catch (error) {
    await bus.close();
    await listener.close();
    throw error;
  }
  // The domain process has committed a change before it notifies: nothing is left to wait for here.
  const feed = new ChangeFeed(notifier, async () => undefined);
  const server = buildServer(bundle.getInvoker(TodoListInvoker), feed, { level: 'warn' });
  registerMetricsRoute(server, bundle);
  await server.listen({ port: settings.port, host: settings.host });
  const { port } = server.server.address() as AddressInfo;
  const host = settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host;
  if (!bundle.cluster().some((known) => known.bundleId === 'todolist'))
    console.warn('todolist api: no todolist domain process is running yet; requests fail until one starts');
  return {
    readyLine: `TodoList running at http://${host}:${port}/ (API process; domain over Kafka ${settings.brokers.join(',')}, topics ${settings.topicPrefix}.*)`,
    stop: async () => {
      await server.close();
      await bundle.stop();
      await bus.close();
      await listener.close();
    },
  };
}

runProcess('todolist api', () => startApi(distributedSettings()));
