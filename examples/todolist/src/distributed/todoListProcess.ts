import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

/** The two processes of the distributed TodoList, by their entry file and their ready line. */
const ROLES = {
  domain: { entry: join(__dirname, 'domain.ts'), ready: /^TodoList domain ready/ },
  api: { entry: join(__dirname, 'api.ts'), ready: /^TodoList running at / },
} as const;

/** Which process: `domain` (the bundle with the handlers) or `api` (the web server and invoker). */
export type TodoListRole = keyof typeof ROLES;

/** How a process ended: its exit code, or the signal that killed it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Options of `TodoListProcess.start`. */
export interface TodoListProcessOptions {
  /** The process's environment (see settings.ts for what it reads). */
  readonly env: NodeJS.ProcessEnv;
  /** Called with every line the process prints, on stdout or stderr. */
  readonly onLine?: (line: string) => void;
  /** In a process group of its own, so that a Ctrl-C meant for the parent does not reach it. */
  readonly detached?: boolean;
}

/**
 * One TodoList process (domain.ts or api.ts) run by ts-node from this repository, with its output
 * kept. `ready` resolves with its ready line, and rejects when it exits first.
 */
export class TodoListProcess {
  /** Resolves with the line the process prints once ready; rejects when it exits before. */
  readonly ready: Promise<string>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  private readonly lines: string[] = [];

  private constructor(
    readonly role: TodoListRole,
    private readonly child: ChildProcess,
    onLine: (line: string) => void,
  ) {
    this.exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
    this.ready = new Promise((done, fail) => {
      const read = (line: string): void => {
        this.lines.push(line);
        onLine(line);
        if (ROLES[role].ready.test(line)) done(line);
      };
      readLines(child.stdout, read);
      readLines(child.stderr, read);
      child.once('error', fail);
      void this.exited.then((exit) =>
        fail(
          new Error(
            `The ${role} process exited (${describeExit(exit)}) before it was ready:\n${this.output()}`,
          ),
        ),
      );
    });
    this.ready.catch(() => undefined); // the caller decides whether to wait for it
  }

  /** Starts the `role` process. */
  static start(role: TodoListRole, options: TodoListProcessOptions): TodoListProcess {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', ROLES[role].entry],
      {
        cwd: ROOT,
        env: options.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: options.detached ?? false,
      },
    );
    return new TodoListProcess(role, child, options.onLine ?? (() => undefined));
  }

  /** Everything the process printed so far. */
  output(): string {
    return this.lines.join('\n');
  }

  /** Whether the process still runs. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends SIGTERM (the process stops its bundle and exits) and resolves with how it exited. */
  async stop(): Promise<ProcessExit> {
    if (this.running) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/** `code 0`, or `signal SIGKILL`. */
export function describeExit(exit: ProcessExit): string {
  return exit.signal === null ? `code ${String(exit.code)}` : `signal ${exit.signal}`;
}

function readLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let rest = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream?.on('end', () => {
    if (rest !== '') onLine(rest);
  });
}
