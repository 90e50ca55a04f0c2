import { describe, expect, it } from 'vitest';
import { runScenario, type Fault, type TraceEvent } from '../../src/kernel/index.js';
import { embedJson, renderHtml, runLanes } from '../../src/report/index.js';
import type { PageData } from '../../src/report/page-data.js';
import redlockSkew from '../../scenarios/redlock-skew.js';
import { resultOf } from './hand-built.js';

const subject = { scenario: 'hand-built', description: 'a hand-built run', expect: 'safe' };


/** The embedded run, read back the way the page reads it. */
function embedded(html: string): PageData {
  const match = /<script type="application\/json" id="run-data">([\s\S]*?)<\/script>/.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

describe('the HTML report', () => {
  const html = renderHtml({ scenario: 'redlock-skew', description: redlockSkew.description, expect: 'violates mutual-exclusion' }, runScenario(redlockSkew, 1, { trace: true }));

  it('refers to nothing outside itself: no URL, no external script, style or font', () => {
    for (const external of ['http://', 'https://', '//cdn', '@import', 'url(', 'src=', 'href=', '<link', 'fetch(', 'XMLHttpRequest']) {
      expect(html, external).not.toContain(external);
    }
  });

  it('embeds the trace once, exactly as the run recorded it', () => {
    const result = runScenario(redlockSkew, 1, { trace: true });
    expect(embedded(html).trace).toEqual(result.trace);
    expect(html.split('"kind":"violation"').length - 1).toBe(1);
  });

  it('cannot be broken out of by a message that contains </script>', () => {
    const evil = '</script><script>window.pwned = 1</script><!--';
    const trace: TraceEvent[] = [
      { t: 5, kind: 'log', node: 'a', local: 5, text: evil },
      { t: 9, kind: 'end', reason: 'time-up' },
    ];
    const page = renderHtml({ ...subject, description: evil }, resultOf(trace, 7));
    expect(page.match(/<\/script>/g)).toHaveLength(2); // the data block's and the page script's own
    expect(embedded(page).trace[0]).toEqual(trace[0]);
    expect(page).toContain('<title>hand-built · seed 7</title>');
    expect(embedJson({ s: '\u2028<' })).toBe('{"s":"\\u2028\\u003c"}');
  });

  it('has one lane per node named anywhere in the run, numbers in numeric order', () => {
    const trace: TraceEvent[] = [
      { t: 1, kind: 'deliver', node: 'node-10', local: 1, from: 'node-2', id: 1, sentAt: 0, msg: {} },
      { t: 2, kind: 'fault', fault: { at: 2, kind: 'pause', node: 'idle', duration: 5 } },
      { t: 3, kind: 'violation', property: 'p', message: 'm', nodes: ['node-1'] },
    ];
    expect(runLanes(trace)).toEqual(['idle', 'node-1', 'node-2', 'node-10']);
    expect(runLanes([], [{ at: 0, kind: 'crash', node: 'quiet' }])).toEqual(['quiet']);
  });

  it('embeds each fault that happened with its line and lane marks from the fault table, and the event that ended it', () => {
    const pause: Fault = { at: 2, kind: 'pause', node: 'a', duration: 5 };
    const crash: Fault = { at: 3, kind: 'crash', node: 'b' };
    const split: Fault = { at: 4, kind: 'partition', groups: [['a'], ['b', 'c']], duration: 2 };
    const trace: TraceEvent[] = [
      { t: 2, kind: 'fault', fault: pause },
      { t: 3, kind: 'fault', fault: crash },
      { t: 4, kind: 'fault', fault: split },
      { t: 6, kind: 'recover', fault: split },
      { t: 7, kind: 'recover', fault: pause },
      { t: 9, kind: 'end', reason: 'time-up' },
    ];
    expect(embedded(renderHtml(subject, resultOf(trace))).faults).toEqual([
      { event: 0, over: 4, description: 'pause a for 5µs (stop-the-world)', marks: [{ node: 'a', effect: 'pause', label: 'paused 5µs' }] },
      { event: 1, over: null, description: 'crash b (stays down)', marks: [{ node: 'b', effect: 'crash', label: 'crashed' }] },
      {
        event: 2, over: 3, description: 'partition [a] | [b c] for 2µs', marks: [
          { node: 'a', effect: 'partition', side: 0, label: 'partition: side A [a]' },
          { node: 'b', effect: 'partition', side: 1, label: 'partition: side B [b c]' },
          { node: 'c', effect: 'partition', side: 1, label: 'partition: side B [b c]' },
        ],
      },
    ]);
  });
});
