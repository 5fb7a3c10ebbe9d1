/**
 * A test script in a child process of its own (a real one, so SIGKILL and SIGSTOP mean what they
 * mean in production) that talks to the test over IPC.
 *
 * Start-up time matters (the kill tests start many processes): loading a script through ts-node
 * (`node -r ts-node/register/transpile-only`) transpiles some 80 files on every start, about
 * 1.5 s. So {@link ScriptBuild} transpiles the script and the modules it imports once per test
 * file, with the same per-file transpilation ts-node's transpile-only mode uses, into a temporary
 * folder, and processes start from there in a few hundred milliseconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..', '..');

/** A script and everything it imports from this repository, transpiled to JavaScript. */
export class ScriptBuild {
  private constructor(
    private readonly dir: string,
    /** The compiled script. */
    readonly entry: string,
  ) {}

  /** Transpiles `script` (a .ts path) and, following their relative imports, the modules it needs. */
  static compile(script: string): ScriptBuild {
    const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), (path) => ts.sys.readFile(path));
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const compilerOptions: ts.CompilerOptions = {
      ...options,
      module: ts.ModuleKind.CommonJS,
      sourceMap: false,
      declaration: false,
      noEmit: false,
    };
    const dir = mkdtempSync(join(tmpdir(), 'evento-test-script-'));
    const done = new Set<string>();
    const pending = [script];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (done.has(file)) continue;
      done.add(file);
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions,
        fileName: file,
      });
      const target = join(dir, relative(ROOT, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
      for (const [, specifier] of outputText.matchAll(/require\("(\.{1,2}\/[^"]*)"\)/g)) {
        const base = resolve(dirname(file), specifier as string);
        const source = [`${base}.ts`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
        if (source === undefined)
          throw new Error(`${file} imports ${specifier as string}, which is not a .ts module`);
        pending.push(source);
      }
    }
    return new ScriptBuild(dir, join(dir, relative(ROOT, script)).replace(/\.ts$/, '.js'));
  }

  /** Removes the transpiled files. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** How a process ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * A running script: the messages it sent, what it printed, and ways to wait on it, signal it and
 * stop it.
 */
export class ScriptProcess<Message extends object> {
  /** Every message received and kept, in order. */
  readonly messages: Message[] = [];
  /** Resolves once the process has exited. */
  readonly exited: Promise<Exit>;
  private output = '';
  private readonly waiters = new Set<() => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
    keep: (message: Message) => boolean,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        resolve({ code, signal });
        this.wake();
      }),
    );
    const collect = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('message', (message: Message) => {
      if (keep(message)) this.messages.push(message);
      this.wake();
    });
  }

  /**
   * Starts `build`'s script with `env` added to this process's environment; `keep` sees every
   * message first and says whether to keep it in `messages`.
   */
  static start<Message extends object>(
    build: ScriptBuild,
    name: string,
    env: Readonly<Record<string, string>>,
    keep: (message: Message) => boolean = () => true,
  ): ScriptProcess<Message> {
    const child = spawn(process.execPath, [build.entry], {
      cwd: ROOT,
      // The build lives outside the repository: let it find the packages in node_modules.
      env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return new ScriptProcess(child, name, keep);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the process printed (the last 20,000 characters), for failure messages. */
  get log(): string {
    return this.output;
  }

  /** Whether the process has exited. */
  get gone(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Sends `message` over IPC (dropped once the process is gone). */
  send(message: object): void {
    if (this.child.connected) this.child.send(message);
  }

  /** Sends `signal` (SIGSTOP, SIGCONT, ...) to the process. */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** SIGKILL: no cleanup, no goodbye to the group, an open transaction cut off. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Resolves once `condition` holds (checked on every message), or rejects after `timeoutMs`. */
  async until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (this.gone) throw new Error(`${this.name} exited while waiting for ${what}:\n${this.output}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no ${what} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(left, 200));
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** Resolves once the process exited with code 0; rejects when it did not within `timeoutMs` or failed. */
  async exitsCleanly(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms:\n${this.output}`)),
        timeoutMs,
      );
    });
    const { code, signal } = await Promise.race([this.exited, timeout]).finally(() => clearTimeout(timer));
    if (code !== 0) throw new Error(`${this.name} exited with ${signal ?? `code ${code}`}:\n${this.output}`);
  }

  private wake(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const done of waiters) done();
  }
}
