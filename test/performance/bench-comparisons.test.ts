import { compare, formatComparisons, goalsLine, type Comparison } from '../../bench/comparisons';
import type { Sample } from '../../bench/measure';
import type { Cell } from '../../bench/report';

const sample = (rps: number, p99Ms = 5): Sample => ({ rps, p50Ms: 1, p99Ms, cpuUsPerReq: null, loopP99Ms: null, rssMb: null, requests: rps, errors: 0, note: null });
const cell = (scenario: string, target: string, rps: number[], p99 = rps.map(() => 5)): Cell => ({
  scenario,
  scenarioLabel: scenario,
  target,
  targetLabel: target,
  isBaseline: false,
  samples: rps.map((r, i) => sample(r, p99[i])),
  baselineSamples: [],
});
const ref = (scenario: string, target: string) => ({ scenario, target });

describe('the bench compares two cells round by round', () => {
  const cells = [
    cell('bearer', 'base', [100, 100, 100, 100, 100]),
    // Rounds of 0.80, 0.95, 0.85, 1.20 and 0.88: the median (0.88) misses 0.9, two rounds meet it.
    cell('bearer', 'tg', [80, 95, 85, 120, 88], [6, 5, 7, 4, 6]),
  ];
  const goal: Comparison = { label: 'tg ÷ base', numerator: ref('bearer', 'tg'), denominator: ref('bearer', 'base'), metric: 'req/s', goal: { atLeast: 0.9 } };
  const p99: Comparison = { label: 'tg p99 ÷ base p99', numerator: ref('bearer', 'tg'), denominator: ref('bearer', 'base'), metric: 'p99', goal: { atMost: 1.2 } };
  const plain: Comparison = { label: 'base ÷ tg', numerator: ref('bearer', 'base'), denominator: ref('bearer', 'tg'), metric: 'req/s' };

  it('gives the median of the per-round ratios, their range, and how many rounds met the goal alone', () => {
    const [row] = compare(cells, [goal]);
    expect(row!.ratio).toBeCloseTo(0.88);
    expect(row!.held).toBe(false);
    expect(row!.rounds.lowest).toBeCloseTo(0.8);
    expect(row!.rounds.highest).toBeCloseTo(1.2);
    expect(row!.rounds).toMatchObject({ count: 5, met: 2 });
  });

  it('counts an at-most goal from the other side', () => {
    // p99 ratios 1.2, 1.0, 1.4, 0.8, 1.2: all but the third are at most 1.2, and so is the median.
    const [row] = compare(cells, [p99]);
    expect(row!.held).toBe(true);
    expect(row!.rounds).toMatchObject({ count: 5, met: 4 });
  });

  it('prints the range in the table, with the count only where there is a goal', () => {
    const table = formatComparisons(compare(cells, [goal, plain]));
    expect(table).toContain('| tg ÷ base | req/s | 0.88 | 0.80–1.20, 2 of 5 met | ≥ 0.9 | MISSED |');
    expect(table).toContain('| base ÷ tg | req/s | 1.14 | 0.83–1.25 | – |  |');
  });

  it('leaves out a comparison whose cells did not both run, and the goals line counts only goals', () => {
    const rows = compare(cells, [goal, plain, { ...goal, label: 'absent', numerator: ref('bearer', 'nobody') }]);
    expect(rows.map((r) => r.label)).toEqual(['tg ÷ base', 'base ÷ tg']);
    expect(goalsLine(rows)).toBe('goals: 0 of 1 held; missed: tg ÷ base 0.88 (≥ 0.9)');
  });
});
