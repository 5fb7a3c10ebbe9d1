import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as framework from '../../src';
import { ComponentDefinitionError, ConcurrencyError, ErrorCode, EventoError } from '../../src';

interface Row {
  code: string;
  className: string;
  retriable: boolean;
}

function catalogue(): Row[] {
  const text = readFileSync(join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('| `EVENTO_'))
    .map((line) => {
      const cells = line.split('|').map((c) => c.trim());
      return {
        code: cells[1]!.replace(/`/g, ''),
        className: cells[2]!.replace(/`/g, ''),
        retriable: cells[3] === 'yes',
      };
    });
}

function instances(): EventoError[] {
  return Object.values(framework)
    .filter(
      (value): value is new (...args: never[]) => EventoError =>
        typeof value === 'function' && value.prototype instanceof EventoError,
    )
    .map((type) => {
      if (type === (ConcurrencyError as unknown)) return new ConcurrencyError('a', 1, 2);
      if (type === (ComponentDefinitionError as unknown)) return new ComponentDefinitionError([]);
      return new (type as unknown as new (message: string) => EventoError)('message');
    });
}

describe('error catalogue (docs/errors.md)', () => {
  it('lists every code, once', () => {
    const codes = catalogue().map((row) => row.code);
    expect([...codes].sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it('names the class raising each code and whether it is retriable, as the code does', () => {
    const rows = new Map(catalogue().map((row) => [row.code, row]));
    const errors = instances();
    expect(errors.map((e) => e.code).sort()).toEqual(Object.values(ErrorCode).sort());
    for (const error of errors) {
      expect({ code: error.code, className: error.name, retriable: error.retriable }).toEqual(
        rows.get(error.code),
      );
    }
  });

  it('keeps the cause and context of an error', () => {
    const cause = new Error('socket hang up');
    const error = new framework.StoreUnavailableError('db down', { cause, context: { host: 'x' } });
    expect(error.cause).toBe(cause);
    expect(error.context).toEqual({ host: 'x' });
    expect(error).toBeInstanceOf(Error);
    expect(framework.isRetriable(error)).toBe(true);
  });
});
