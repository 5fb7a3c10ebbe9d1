import { EventoBundle } from 'evento-ts';
import { Pool } from 'pg';
import { container } from 'tsyringe';
import { ChangeFeed } from '../api/changeFeed';
import { todoListComponents } from '../components';
import { ErpClient } from '../domain/erp/ErpClient';
import { NotificationSender } from '../domain/notification/NotificationSender';
import { TodoListChangeNotifier } from '../domain/todolist/TodoListChangeNotifier';
import { TodoListInvoker } from '../domain/todolist/TodoListInvoker';
import { TodoListReadModel } from '../domain/todolist/readmodel/TodoListReadModel';
import { postgresStores, type TodoListStores } from '../stores';
import { changeChannel, publishChanges } from './changeChannel';
import { runProcess, type RunningProcess } from './runProcess';
import { distributedSettings, type DistributedSettings } from './settings';
import { todoListBus } from './todoListBus';
import { todoListErrors } from './todoListErrors';

/** Every component but the invoker: the aggregate, projector, projection, observer, saga and services. */
const domainComponents = todoListComponents.filter((component) => component !== TodoListInvoker);

/** The stores in PostgreSQL; a missing database is named, with the fix. */
async function openStores(settings: DistributedSettings): Promise<TodoListStores> {
  try {
    return await postgresStores(
      settings.pgUrl,
      settings.pgSchema === undefined ? {} : { schema: settings.pgSchema },
    );
  } catch (error) {
    if ((error as { code?: unknown }).code !== '3D000') throw error;
    const url = new URL(settings.pgUrl);
    throw new Error(
      `The database ${url.pathname.slice(1)} at ${url.host} does not exist: create it ` +
        `(createdb -h ${url.hostname} -p ${url.port || 5432} -U ${url.username || 'postgres'} ${url.pathname.slice(1)}), ` +
        'or point EVENTO_PG_URL at another one',
      { cause: error },
    );
  }
}

/**
 * The domain process: the TodoList bundle without its invoker, on the PostgreSQL stores, answering
 * the API's commands and queries over Kafka, and telling the API processes about committed
 * changes over a PostgreSQL notification channel.
 */
async function startDomain(settings: DistributedSettings): Promise<RunningProcess> {
  const stores = await openStores(settings);
  const notifier = new TodoListChangeNotifier();
  const scope = container.createChildContainer();
  scope.registerInstance(TodoListReadModel, stores.readModel);
  scope.registerInstance(TodoListChangeNotifier, notifier);
  scope.registerInstance(NotificationSender, new NotificationSender());
  scope.registerInstance(ErpClient, new ErpClient());
  const bus = todoListBus(settings, 'todolist-domain');
  let bundle: EventoBundle;
  try {
    bundle = await EventoBundle.builder()
      .setBundleId('todolist')
      .setComponents(domainComponents)
      .setContainer(scope)
      .setEventStore(stores.eventStore)
      .setConsumerStateStore(stores.consumerStateStore)
      .setMessageBus(bus)
      .registerErrors(todoListErrors)
      .start();
  } catch (error) {
    await bus.close();
    await stores.close();
    throw error;
  }
  const notifications = new Pool({
    connectionString: settings.pgUrl,
    max: 2,
    application_name: 'evento-todolist',
  });
  notifications.on('error', () => undefined); // an idle connection dropped by the server is replaced
  const channel = changeChannel(settings.pgSchema);
  const feed = new ChangeFeed(notifier, () => bundle.untilIdle());
  const unsubscribe = publishChanges(feed, notifications, channel, (error) =>
    console.error('todolist domain: a change notification failed:', error),
  );
  return {
    readyLine: `TodoList domain ready: bundle todolist on Kafka ${settings.brokers.join(',')} (topics ${settings.topicPrefix}.*), data in PostgreSQL at ${new URL(settings.pgUrl).host}, changes on channel ${channel}`,
    stop: async () => {
      await bundle.stop();
      unsubscribe();
      await bus.close();
      await notifications.end();
      await stores.close();
    },
  };
}

runProcess('todolist domain', () => startDomain(distributedSettings()));
