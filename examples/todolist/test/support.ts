/** Helpers shared by the TodoList tests. */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createTodoListApp, type TodoListApp, type TodoListAppOptions } from '../src/app';
import { ErpClient } from '../src/domain/erp/ErpClient';
import { NotificationSender } from '../src/domain/notification/NotificationSender';

/** Records notifications instead of printing them. */
export class RecordingNotificationSender extends NotificationSender {
  readonly sent: { recipient: string; body: string }[] = [];

  override async send(recipient: string, body: string): Promise<void> {
    this.sent.push({ recipient, body });
  }
}

/** Records ERP registrations instead of printing them. */
export class RecordingErpClient extends ErpClient {
  readonly registered: {
    resourceType: string;
    resourceIdentifier: string;
    contributions: Record<string, number>;
  }[] = [];

  override async registerActivity(
    resourceType: string,
    resourceIdentifier: string,
    contributions: Readonly<Record<string, number>>,
  ): Promise<void> {
    this.registered.push({ resourceType, resourceIdentifier, contributions: { ...contributions } });
  }
}

/** A test app on in-memory stores (unless given others), recording its notifications and ERP calls. */
export async function startTestApp(options: TodoListAppOptions = {}): Promise<{
  app: TodoListApp;
  notifications: RecordingNotificationSender;
  erp: RecordingErpClient;
}> {
  const notifications = new RecordingNotificationSender();
  const erp = new RecordingErpClient();
  const app = await createTodoListApp({ notificationSender: notifications, erpClient: erp, ...options });
  return { app, notifications, erp };
}

/** An HTTP client for `app` through fastify.inject, acting as `user` (none: no Authorization header). */
export function client(app: TodoListApp, user: string | null = 'alice') {
  const send = (options: InjectOptions): Promise<LightMyRequestResponse> =>
    app.server.inject({
      ...options,
      headers: { ...(user === null ? {} : { authorization: `Bearer ${user}` }), ...options.headers },
    });
  return {
    get: (url: string) => send({ method: 'GET', url }),
    post: (url: string, payload?: object) =>
      send(payload === undefined ? { method: 'POST', url } : { method: 'POST', url, payload }),
    put: (url: string) => send({ method: 'PUT', url }),
    delete: (url: string) => send({ method: 'DELETE', url }),
  };
}
