// The bench's spread over repeated runs: medians keep the figures' shape, a run that did not measure a figure
// (null) does not count as a zero, and the table names each headline's min, median and max.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { medianFigures, spreadMarkdown, spreadOf } from '../../bench/spread.ts';

const runs = [
  { reconcile: { p50Ms: 40, p95Ms: 60 }, coldStartMs: 500, mode: 'full' },
  { reconcile: { p50Ms: 44, p95Ms: null }, coldStartMs: 520, mode: 'full' },
  { reconcile: { p50Ms: 38, p95Ms: 70 }, coldStartMs: 480, mode: 'full' },
];

test('each figure is the median of the runs that measured it', () => {
  assert.equal(medianFigures(runs), { reconcile: { p50Ms: 40, p95Ms: 65 }, coldStartMs: 500, mode: 'full' });
});

test('the spread names min, median, max and how many runs measured the figure', () => {
  const spread = spreadOf(runs);
  assert.equal(spread['reconcile.p50Ms'], { runs: 3, min: 38, median: 40, max: 44 });
  assert.equal(spread['reconcile.p95Ms'], { runs: 2, min: 60, median: 65, max: 70 });
  assert.is(spread.mode, undefined);
});

test('a median keeps its figure\'s precision: never outside the runs\' min and max', () => {
  const ratios = [{ throttle: { ratioFromAgentStart: 0.992 } }, { throttle: { ratioFromAgentStart: 0.996 } }, { throttle: { ratioFromAgentStart: 0.996 } }];
  assert.equal(spreadOf(ratios)['throttle.ratioFromAgentStart'], { runs: 3, min: 0.992, median: 0.996, max: 0.996 });
});

test('the table shows the headlines measured, with their half-range as a share of the median', () => {
  const table = spreadMarkdown(spreadOf(runs), 3);
  assert.match(table, 'Spread over 3 runs');
  assert.match(table, '| reconcile p50, ms | 38 | 40 | 44 (±8 %) | 3 |');
  assert.not.match(table, 'Graph');
});

test.run();
