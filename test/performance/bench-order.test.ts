import { COMPARISONS } from '../../bench/comparisons';
import { measurementOrder, roundOrder, type Unit } from '../../bench/order';
import { SCENARIOS } from '../../bench/scenarios';

const u = (scenario: string, target: string): Unit => ({ scenario, target });
const names = (order: Unit[]) => order.map((c) => `${c.scenario}/${c.target}`);
const distance = (order: Unit[], a: Unit, b: Unit) => {
  const list = names(order);
  return Math.abs(list.indexOf(`${a.scenario}/${a.target}`) - list.indexOf(`${b.scenario}/${b.target}`));
};

describe('the bench measures the two cells of a ratio one after the other', () => {
  it('moves a cell of a later scenario next to its partner', () => {
    const cells = [u('a', 'base'), u('a', 'x'), u('a', 'y'), u('b', 'base'), u('b', 'x')];
    const order = measurementOrder(cells, [{ numerator: u('b', 'x'), denominator: u('a', 'x') }]);
    expect(distance(order, u('b', 'x'), u('a', 'x'))).toBe(1);
    expect(new Set(names(order))).toEqual(new Set(names(cells)));
    expect(order).toHaveLength(cells.length);
  });

  it('never separates a pair seated earlier; a later partner goes to the nearest free place', () => {
    const cells = [u('s', 'a'), u('s', 'b'), u('s', 'c'), u('s', 'd'), u('s', 'e')];
    const order = measurementOrder(cells, [
      { numerator: u('s', 'b'), denominator: u('s', 'a') },
      { numerator: u('s', 'b'), denominator: u('s', 'c') },
      // b's two neighbours are taken: e can only come within two places of it.
      { numerator: u('s', 'b'), denominator: u('s', 'e') },
    ]);
    expect(distance(order, u('s', 'a'), u('s', 'b'))).toBe(1);
    expect(distance(order, u('s', 'b'), u('s', 'c'))).toBe(1);
    expect(distance(order, u('s', 'b'), u('s', 'e'))).toBe(2);
  });

  it('leaves the listed order alone when pairs are already neighbours, and skips pairs that did not run', () => {
    const cells = [u('s', 'a'), u('s', 'b'), u('s', 'c')];
    const order = measurementOrder(cells, [
      { numerator: u('s', 'b'), denominator: u('s', 'a') },
      { numerator: u('s', 'z'), denominator: u('s', 'a') },
    ]);
    expect(names(order)).toEqual(names(cells));
  });

  it('seats every goal of the full run next to its denominator, except ÷ fastify, two places away', () => {
    const cells = SCENARIOS.flatMap((sc) => [...(sc.baseline ? [sc.baseline] : []), ...sc.targets].map((target) => u(sc.id, target)));
    const order = measurementOrder(cells, COMPARISONS);
    const goals = COMPARISONS.filter((c) => c.goal);
    expect(goals.length).toBeGreaterThanOrEqual(7);
    for (const c of goals) {
      const expected = c.denominator.target === 'fastify-peer' ? 2 : 1;
      expect({ label: c.label, distance: distance(order, c.numerator, c.denominator) }).toEqual({ label: c.label, distance: expected });
    }
    expect(order).toHaveLength(cells.length);
  });

  it('runs odd rounds backwards, so each pair is measured in both orders', () => {
    expect(roundOrder([1, 2, 3], 0)).toEqual([1, 2, 3]);
    expect(roundOrder([1, 2, 3], 1)).toEqual([3, 2, 1]);
    expect(roundOrder([1, 2, 3], 2)).toEqual([1, 2, 3]);
  });
});
