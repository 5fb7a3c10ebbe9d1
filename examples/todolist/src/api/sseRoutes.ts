import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TodoListChange } from '../domain/todolist/TodoListChangeNotifier';
import type { ChangeFeed } from './changeFeed';
import { listParams } from './schemas';

const HEARTBEAT_MS = 15_000;

/** These streams take no parameters. */
const noInput = { type: 'object', maxProperties: 0 } as const;

/** Server-Sent Events: `todo-list-changed` with `{ identifier, change }` each time a list changes. */
export function registerSseRoutes(app: FastifyInstance, feed: ChangeFeed): void {
  const open = new Set<FastifyReply>();
  // Open streams never end by themselves: end them so that app.close() can finish.
  app.addHook('preClose', async () => {
    for (const reply of open) reply.raw.end();
  });

  // #region sse
  app.get('/sse/todo-lists', { schema: { querystring: noInput } }, (request, reply) => {
    stream(request, reply, open, feed, () => true);
  });

  app.get<{ Params: { id: string } }>(
    '/sse/todo-list/:id',
    { schema: { params: listParams } },
    (request, reply) => {
      stream(request, reply, open, feed, (change) => change.identifier === request.params.id);
    },
  );
  // #endregion sse
}

// #region stream
function stream(
  request: FastifyRequest,
  reply: FastifyReply,
  open: Set<FastifyReply>,
  feed: ChangeFeed,
  wanted: (change: TodoListChange) => boolean,
): void {
  reply.hijack(); // we write the response ourselves, for as long as the client listens
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const send = (text: string): void => {
    if (!reply.raw.writableEnded) reply.raw.write(text);
  };
  send('retry: 2000\n\n');
  const unsubscribe = feed.subscribe((change) => {
    if (wanted(change)) send(`event: todo-list-changed\ndata: ${JSON.stringify(change)}\n\n`);
  });
  const heartbeat = setInterval(() => send(': heartbeat\n\n'), HEARTBEAT_MS);
  open.add(reply);
  request.raw.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
    open.delete(reply);
  });
}
// #endregion stream
