/** A started TodoList process: what it says once ready, and how it stops. */
export interface RunningProcess {
  /** The line printed once the process is ready (the launcher and the tests wait for it). */
  readonly readyLine: string;
  stop(): Promise<void>;
}

/**
 * Runs `start` as the process's whole life: prints its ready line, and on SIGINT or SIGTERM
 * stops it and exits 0 (1 when stopping fails). A failed start prints the error and exits 1.
 */
export function runProcess(name: string, start: () => Promise<RunningProcess>): void {
  start().then(
    (running) => {
      console.log(running.readyLine);
      let stopping = false;
      const stop = (signal: string): void => {
        if (stopping) return;
        stopping = true;
        console.log(`${name}: ${signal}, stopping...`);
        const since = Date.now();
        running.stop().then(
          () => {
            console.log(`${name}: stopped in ${Date.now() - since} ms`);
            process.exit(0);
          },
          (error: unknown) => {
            console.error(`${name}: could not stop cleanly:`, error);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    },
    (error: unknown) => {
      console.error(`${name}: could not start:`, error);
      process.exit(1);
    },
  );
}
