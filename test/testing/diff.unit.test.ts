import { deepEqual, differences, explainDifference } from 'evento-ts/testing';
import { lineDiff } from '../../src/testing/assertions/diff';
import { deepCopy } from '../../src/testing/assertions/copy';
import { render } from '../../src/testing/assertions/render';
import { Deposited, Withdrawn } from '../domain/bank';

class Point {
  constructor(
    readonly x: number,
    readonly y?: number,
  ) {}
}
class OtherPoint {
  constructor(
    readonly x: number,
    readonly y?: number,
  ) {}
}

describe('fixture equality', () => {
  it('compares classes and fields; undefined fields count as absent', () => {
    expect(deepEqual(new Point(1), new Point(1, undefined))).toBe(true);
    expect(deepEqual(new Point(1), { x: 1 })).toBe(false);
    expect(deepEqual(new Point(1), new OtherPoint(1))).toBe(false);
    expect(deepEqual(new Deposited('a', 1), new Deposited('a', 2))).toBe(false);
    expect(deepEqual(new Deposited('a', 1), new Withdrawn('a', 1))).toBe(false);
  });

  it('compares dates by time, maps and sets by content, NaN with NaN, 0 with -0', () => {
    expect(deepEqual(new Date(5), new Date(5))).toBe(true);
    expect(deepEqual(new Date(5), new Date(6))).toBe(false);
    expect(deepEqual(new Map([['a', new Point(1)]]), new Map([['a', new Point(1)]]))).toBe(true);
    expect(deepEqual(new Map([['a', 1]]), new Map([['b', 1]]))).toBe(false);
    expect(deepEqual(new Set([new Point(1), 2]), new Set([2, new Point(1)]))).toBe(true);
    expect(deepEqual(new Set([1]), new Set([1, 2]))).toBe(false);
    expect(deepEqual(NaN, NaN)).toBe(true);
    expect(deepEqual(0, -0)).toBe(true);
    expect(deepEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(deepEqual(/a/g, /a/g)).toBe(true);
    expect(deepEqual(new Error('x'), new Error('y'))).toBe(false);
  });

  it('handles cycles', () => {
    const a: { self?: unknown; n: number } = { n: 1 };
    a.self = a;
    const b: { self?: unknown; n: number } = { n: 1 };
    b.self = b;
    expect(deepEqual(a, b)).toBe(true);
    b.n = 2;
    expect(deepEqual(a, b)).toBe(false);
  });

  it('lets matchers decide', () => {
    expect(deepEqual(new Point(expect.any(Number) as number), new Point(3))).toBe(true);
    expect(deepEqual(new Point(expect.any(String) as number), new Point(3))).toBe(false);
  });

  it('names every differing field with its path and both values', () => {
    expect(
      differences(
        { a: [new Point(1, 2)], m: new Map([['k', 1]]) },
        { a: [new Point(1, 3)], m: new Map([['k', 2]]), z: true },
      ),
    ).toEqual([
      { path: 'a[0].y', expected: '2', actual: '3' },
      { path: "m.get('k')", expected: '1', actual: '2' },
      { path: 'z', expected: '(absent)', actual: 'true' },
    ]);
    expect(differences(new Point(1), new OtherPoint(1))).toEqual([
      { path: '', expected: 'Point { x: 1 }', actual: 'OtherPoint { x: 1 }' },
    ]);
    expect(differences({ 'odd key': 1 }, { 'odd key': 2 })[0]?.path).toBe('["odd key"]');
  });

  it('explains a difference with the fields and a line diff', () => {
    const text = explainDifference(new Deposited('a1', 5), new Deposited('a1', 6));
    expect(text).toBe(
      [
        '  amount: expected 5, got 6',
        '',
        '  Deposited {',
        "    accountId: 'a1',",
        '-   amount: 5',
        '+   amount: 6',
        '  }',
      ].join('\n'),
    );
    expect(explainDifference(new Deposited('a1', 5), new Deposited('a1', 5))).toBe('');
  });

  it('line diffs keep common lines and mark the rest', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc')).toBe('  a\n- b\n+ x\n  c');
    expect(lineDiff('a', 'a\nb')).toBe('  a\n+ b');
    expect(lineDiff('a\nb', 'b')).toBe('- a\n  b');
  });

  it('renders values with class names, without undefined fields, shortening long ones', () => {
    expect(render(new Withdrawn('a1', 5))).toBe("Withdrawn { accountId: 'a1', amount: 5 }");
    expect(render(expect.any(Date))).toBe('Any<Date>');
    expect(render(new RangeError('no'))).toBe('RangeError: "no"');
    expect(render('x'.repeat(1000)).length).toBe(300);
  });

  it('deep copies keep classes and do not share mutable parts', () => {
    const original = { points: [new Point(1)], at: new Date(3), byKey: new Map([['k', new Set([1])]]) };
    const copy = deepCopy(original);
    expect(deepEqual(original, copy)).toBe(true);
    expect(copy.points[0]).toBeInstanceOf(Point);
    expect(copy.points).not.toBe(original.points);
    original.byKey.get('k')?.add(2);
    expect(copy.byKey.get('k')?.has(2)).toBe(false);
  });
});
