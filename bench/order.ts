/** One measured cell: a scenario driven against a target. */
export interface Unit {
  scenario: string;
  target: string;
}

/** Two cells whose ratio the run reports, most important first. */
export interface Pair {
  numerator: Unit;
  denominator: Unit;
}

const key = (u: Unit) => `${u.scenario}/${u.target}`;
const edge = (a: Unit, b: Unit) => [key(a), key(b)].sort().join(' | ');

/**
 * The order in which every round measures its cells: the scenarios' cells as listed, then
 * moved so that the two cells of each pair are measured one right after the other, pairs
 * earlier in `pairs` first.
 *
 * On a shared machine req/s drift by 20–50 % over a minute; a ratio of two cells measured
 * a minute apart (cookies ÷ bearer, when the cookie scenario ran after the whole bearer one)
 * measures the drift. Next to each other, both see the same moment.
 *
 * A pair, once seated, is never pulled apart by a later one. When a cell cannot sit next to
 * its partner (both of the partner's neighbours are taken), it goes to the nearest place that
 * splits no earlier pair, and nothing later comes between them either.
 */
export function measurementOrder(cells: readonly Unit[], pairs: readonly Pair[]): Unit[] {
  const order = [...cells];
  const kept = new Set<string>();
  const at = (u: Unit) => order.findIndex((c) => key(c) === key(u));
  /** `u` is bound to a neighbour by a pair seated earlier. */
  const isKept = (u: Unit) => [order[at(u) - 1], order[at(u) + 1]].some((n) => n !== undefined && kept.has(edge(u, n)));
  for (const { numerator, denominator } of pairs) {
    if (at(numerator) < 0 || at(denominator) < 0 || key(numerator) === key(denominator)) continue;
    let seated = Math.abs(at(numerator) - at(denominator)) === 1;
    if (!seated) {
      // Move whichever cell is free to move, the denominator first (a baseline is often shared).
      const mover = [denominator, numerator].find((u) => !isKept(u));
      if (mover) moveNear(order, mover, mover === numerator ? denominator : numerator, kept);
      seated = mover !== undefined;
    }
    if (seated) {
      // Nothing later comes between the two, nor between them and a cell that separates them.
      const [from, to] = [at(numerator), at(denominator)].sort((x, y) => x - y) as [number, number];
      for (let i = from; i < to; i++) kept.add(edge(order[i] as Unit, order[i + 1] as Unit));
    }
  }
  return order;
}

/** Takes `mover` out and puts it back in the gap nearest `anchor` that splits no kept pair. */
function moveNear(order: Unit[], mover: Unit, anchor: Unit, kept: ReadonlySet<string>): void {
  order.splice(
    order.findIndex((c) => key(c) === key(mover)),
    1,
  );
  const anchorAt = order.findIndex((c) => key(c) === key(anchor));
  let best = -1;
  let bestDistance = Infinity;
  // Gap g lies between order[g - 1] and order[g].
  for (let gap = 0; gap <= order.length; gap++) {
    const left = order[gap - 1];
    const right = order[gap];
    if (left && right && kept.has(edge(left, right))) continue;
    const distance = gap <= anchorAt ? anchorAt - gap + 1 : gap - anchorAt;
    if (distance < bestDistance) {
      best = gap;
      bestDistance = distance;
    }
  }
  order.splice(best, 0, mover);
}

/** Round `r`'s order: forward in even rounds, backward in odd ones, so each pair is measured both ways round. */
export function roundOrder<T>(order: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...order] : [...order].reverse();
}
