import { ensureLocalBroker } from './localBroker';
import { distributedSettings } from './settings';
import { describeExit, TodoListProcess, type TodoListRole } from './todoListProcess';

/**
 * `npm run start:distributed`: the Kafka broker if it is not running, then the domain process,
 * then the API process, each printing behind its name. Ctrl-C (or SIGTERM) stops the API first,
 * then the domain; when either exits by itself, the other is stopped too (exit code 1).
 */
async function launch(): Promise<number> {
  const settings = distributedSettings(); // refuses bad settings before anything starts
  await ensureLocalBroker(settings.brokers);
  const started: TodoListProcess[] = [];
  let stopping = false;
  let stop: (why: string, code: number) => void = () => undefined;
  const stopped = new Promise<number>((done) => {
    stop = (why, code) => {
      if (stopping) return;
      stopping = true;
      console.log(`${why}: stopping the TodoList...`);
      void (async () => {
        for (const child of [...started].reverse()) await child.stop();
        done(code);
      })();
    };
  });
  process.on('SIGINT', () => stop('SIGINT', 0));
  process.on('SIGTERM', () => stop('SIGTERM', 0));

  const start = async (role: TodoListRole): Promise<void> => {
    const child = TodoListProcess.start(role, {
      env: process.env,
      detached: true, // the terminal's Ctrl-C reaches this launcher only, which stops them in order
      onLine: (line) => console.log(`[${role}] ${line}`),
    });
    started.push(child);
    void child.exited.then((exit) => stop(`The ${role} process exited (${describeExit(exit)})`, 1));
    await child.ready;
  };
  try {
    await start('domain');
    await start('api');
    console.log('TodoList distributed: Ctrl-C stops both processes');
  } catch {
    stop('A process did not start', 1); // what it printed is above
  }
  return stopped;
}

launch().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
