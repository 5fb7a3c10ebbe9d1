/**
 * The child's side of ScriptProcess: a script's settings from its environment, messages to its
 * parent, and a run that ends the process on failure or when the parent goes away (so no test
 * leaves one behind).
 */

/** The script's settings: JSON in the environment variable `variable`, set by `startedBy`. */
export function scriptConfig<Config>(variable: string, startedBy: string): Config {
  const text = process.env[variable];
  if (text === undefined) throw new Error(`${variable} is not set: this script is started by ${startedBy}`);
  return JSON.parse(text) as Config;
}

/** Sends `message` to the parent over IPC, unless it has gone. */
export function toParent(message: object): void {
  if (process.connected) process.send?.(message);
}

/** An error as one line for the parent. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs `main`; exits with 1 when it fails, with 2 when the parent disconnects. */
export function runScript(main: () => Promise<void>): void {
  process.on('disconnect', () => process.exit(2));
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
