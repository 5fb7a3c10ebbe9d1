import { createTodoListApp } from './app';
import { storesFromEnvironment } from './stores';
import { tracingFromEnvironment } from './tracing';

// #region main
/** `npm start`: the TodoList app on PORT (default 3000). */
async function main(): Promise<void> {
  const stores = await storesFromEnvironment();
  const tracingAgent = tracingFromEnvironment();
  const app = await createTodoListApp({
    stores,
    logger: { level: 'warn' },
    ...(tracingAgent ? { tracingAgent } : {}),
  });
  const port = Number(process.env.PORT ?? 3000);
  await app.server.listen({ port, host: process.env.HOST ?? '127.0.0.1' });
  console.log(`TodoList running at http://localhost:${port}/ with its data ${stores.description}`);

  const stop = async (): Promise<void> => {
    console.log('Stopping...');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
// #endregion main

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
