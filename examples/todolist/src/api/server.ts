import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TodoListInvoker } from '../domain/todolist/TodoListInvoker';
import type { ChangeFeed } from './changeFeed';
import { handleError, handleNotFound } from './errors';
import { registerSseRoutes } from './sseRoutes';
import { registerTodoListRoutes } from './todoListRoutes';
import { compileSchema } from './validation';
import { registerWebRoutes } from './webRoutes';

// #region server
/** The HTTP server: the JSON API, the Server-Sent Events and the web page. */
export function buildServer(
  invoker: TodoListInvoker,
  feed: ChangeFeed,
  logger: FastifyServerOptions['logger'] = false,
): FastifyInstance {
  const app = Fastify({ logger });
  app.setValidatorCompiler(compileSchema);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  registerTodoListRoutes(app, invoker);
  registerSseRoutes(app, feed);
  registerWebRoutes(app);
  return app;
}
// #endregion server
