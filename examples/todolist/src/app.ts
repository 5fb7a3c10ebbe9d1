import { EventoBundle, type TracingAgent } from 'evento-ts';
import { PrometheusMetrics } from 'evento-ts/metrics';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { container } from 'tsyringe';
import { ChangeFeed } from './api/changeFeed';
import { registerMetricsRoute } from './api/metricsRoute';
import { buildServer } from './api/server';
import { todoListComponents } from './components';
import { ErpClient } from './domain/erp/ErpClient';
import { NotificationSender } from './domain/notification/NotificationSender';
import { TodoListChangeNotifier } from './domain/todolist/TodoListChangeNotifier';
import { TodoListInvoker } from './domain/todolist/TodoListInvoker';
import { TodoListReadModel } from './domain/todolist/readmodel/TodoListReadModel';
import { inMemoryStores, type TodoListStores } from './stores';

/** What the app is built from; everything has a default. */
export interface TodoListAppOptions {
  /** Default: in memory. */
  readonly stores?: TodoListStores;
  readonly notificationSender?: NotificationSender;
  readonly erpClient?: ErpClient;
  readonly logger?: FastifyServerOptions['logger'];
  /** Traces the bundle's work (main.ts sets the Sentry agent when SENTRY_DSN is set); default none. */
  readonly tracingAgent?: TracingAgent;
}

/** A running TodoList bundle and its (not yet listening) HTTP server. */
export interface TodoListApp {
  readonly bundle: EventoBundle;
  readonly server: FastifyInstance;
  readonly stores: TodoListStores;
  /** The projector's change notifications, delivered once committed (what the SSE routes stream). */
  readonly changeFeed: ChangeFeed;
  /** Stops the server, then the bundle, then closes the stores. */
  close(): Promise<void>;
}

// #region app
/** Starts the TodoList bundle on the given stores and builds the HTTP server in front of it. */
export async function createTodoListApp(options: TodoListAppOptions = {}): Promise<TodoListApp> {
  const stores = options.stores ?? inMemoryStores();
  const notifier = new TodoListChangeNotifier();
  const scope = container.createChildContainer();
  scope.registerInstance(TodoListReadModel, stores.readModel);
  scope.registerInstance(TodoListChangeNotifier, notifier);
  scope.registerInstance(NotificationSender, options.notificationSender ?? new NotificationSender());
  scope.registerInstance(ErpClient, options.erpClient ?? new ErpClient());

  const builder = EventoBundle.builder()
    .setBundleId('todolist')
    .setComponents(todoListComponents)
    .setContainer(scope)
    .setEventStore(stores.eventStore)
    .setConsumerStateStore(stores.consumerStateStore)
    .setMetrics(new PrometheusMetrics());
  if (options.tracingAgent !== undefined) builder.setTracingAgent(options.tracingAgent);
  const bundle = await builder.start();

  const feed = new ChangeFeed(notifier, () => bundle.untilIdle());
  const server = buildServer(bundle.getInvoker(TodoListInvoker), feed, options.logger ?? false);
  registerMetricsRoute(server, bundle);
  return {
    bundle,
    server,
    stores,
    changeFeed: feed,
    close: async () => {
      await server.close();
      await bundle.stop();
      await stores.close();
    },
  };
}
// #endregion app
