import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { LincheckPageData } from '../../src/check/linearizability/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lincheck-'));

function lincheck(model: string, lines: string[], ...options: string[]) {
  return sim('lincheck', '--model', model, historyFile(lines), ...options);
}

function sim(...args: string[]) {
  const run = spawnSync('node', ['bin/sim.js', ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

function historyFile(lines: string[], folder = dir): string {
  const file = join(folder, `h-${lines.length}-${Math.abs(hash(lines.join()))}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

const staleRead = [
  '{"process":"c1","type":"invoke","f":"put","key":"x","value":1,"time":0}',
  '{"process":"c1","type":"ok","f":"put","key":"x","time":10}',
  '',
  '{"process":"c2","type":"invoke","f":"get","key":"x","time":20}',
  '{"process":"c2","type":"ok","f":"get","key":"x","value":null,"time":30}',
];

describe('sim lincheck', () => {
  it('exits 1 on a stale read and prints the operations that cannot be ordered; 0 once the read is fixed', () => {
    const bad = lincheck('kv', staleRead);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('not linearizable on key "x"');
    expect(bad.out).toContain('c2 get x → null [20, 30]');
    const good = lincheck('kv', [...staleRead.slice(0, 4), '{"process":"c2","type":"ok","f":"get","key":"x","value":1,"time":30}']);
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/^linearizable/);
  });

  it('rejects a malformed line with its line number and the reason', () => {
    const result = lincheck('kv', [staleRead[0]!, staleRead[1]!, '', '{"process":"c2","type":"done","f":"get","time":20}']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/:4: 'type' must be one of invoke, ok, fail, info \(got "done"\)/);
  });

  it('rejects an outcome that no invocation precedes, and an operation the model does not have', () => {
    const orphan = lincheck('register', ['{"process":"c1","type":"ok","f":"read","value":1,"time":5}']);
    expect(orphan.code).toBe(2);
    expect(orphan.err).toMatch(/:1: process c1 reports ok for read but has no pending operation/);
    const wrongModel = lincheck('queue', staleRead);
    expect(wrongModel.code).toBe(2);
    expect(wrongModel.err).toMatch(/:1: operation 'put' is not one of enqueue, dequeue/);
  });

  it('lists the models when asked for one it does not know', () => {
    const result = lincheck('set', staleRead);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/unknown model 'set' \(the models: register, kv, lock, queue\)/);
  });

  it('starts the model from --initial: a read of 0 before any write is linearizable only with initial 0', () => {
    const readZero = ['{"process":"c1","type":"invoke","f":"read","time":0}', '{"process":"c1","type":"ok","f":"read","value":0,"time":5}'];
    expect(lincheck('register', readZero).code).toBe(1);
    expect(lincheck('register', readZero, '--initial', '0').code).toBe(0);
    expect(lincheck('register', readZero, '--initial', '"0"').code).toBe(1);
  });
});

const appendLines = (seen: string) => [
  '{"process":"c1","type":"invoke","f":"append","key":"x","value":"a","time":0}',
  '{"process":"c1","type":"ok","f":"append","key":"x","time":10}',
  '{"process":"c2","type":"invoke","f":"append","key":"x","value":"b","time":20}',
  '{"process":"c2","type":"ok","f":"append","key":"x","time":30}',
  '{"process":"c3","type":"invoke","f":"get","key":"x","time":40}',
  `{"process":"c3","type":"ok","f":"get","key":"x","value":${JSON.stringify(seen)},"time":50}`,
];

describe('sim lincheck on many histories', () => {
  const folder = mkdtempSync(join(tmpdir(), 'lincheck-many-'));
  const good = historyFile(appendLines('ab'), folder);
  const bad = historyFile(appendLines('ba'), folder);

  it('prints a row per history and a summary; the exit code is the worst verdict', () => {
    const both = sim('lincheck', '--model', 'kv', good, bad);
    expect(both.code).toBe(1);
    expect(both.out).toMatch(new RegExp(`${good}\\s+3\\s+linearizable\\s+\\d+ ms`));
    expect(both.out).toMatch(new RegExp(`${bad}\\s+3\\s+not linearizable on key "x": c3 get at 40`));
    expect(both.out).toContain('2 histories: 1 linearizable, 1 not linearizable');
    expect(sim('lincheck', '--model', 'kv', good, good).code).toBe(0);
  });

  it('checks every .jsonl file of a folder, and bad input in one of them makes the whole exit 2', () => {
    const whole = sim('lincheck', '--model', 'kv', folder);
    expect(whole.code).toBe(1);
    expect(whole.out).toContain('2 histories: 1 linearizable, 1 not linearizable');
    const broken = historyFile(['{"process":"c1","type":"invoke","f":"fly","key":"x","time":0}'], folder);
    const withBroken = sim('lincheck', '--model', 'kv', folder);
    expect(withBroken.code).toBe(2);
    expect(withBroken.out).toContain(`bad input: ${broken}:1: operation 'fly' is not one of get, put, cas, append`);
    expect(withBroken.out).toContain('3 histories: 1 linearizable, 1 not linearizable, 1 bad input');
  });
});

describe('sim lincheck --html', () => {
  // A stale read late in a history: the window must keep the write the read saw and the
  // write that overwrote it, and drop the unrelated operations on other keys and in between.
  const lines = [
    '{"process":"c1","type":"invoke","f":"put","key":"x","value":1,"time":0}',
    '{"process":"c1","type":"ok","f":"put","key":"x","time":10}',
    '{"process":"c2","type":"invoke","f":"put","key":"y","value":5,"time":12}',
    '{"process":"c2","type":"ok","f":"put","key":"y","time":14}',
    '{"process":"c1","type":"invoke","f":"put","key":"x","value":2,"time":20}',
    '{"process":"c1","type":"ok","f":"put","key":"x","time":30}',
    '{"process":"c2","type":"invoke","f":"get","key":"x","time":40}',
    '{"process":"c2","type":"ok","f":"get","key":"x","value":2,"time":50}',
    '{"process":"c3","type":"invoke","f":"append","key":"z","value":"q","time":55}',
    '{"process":"c3","type":"ok","f":"append","key":"z","time":58}',
    '{"process":"c2","type":"invoke","f":"get","key":"x","time":60}',
    '{"process":"c2","type":"ok","f":"get","key":"x","value":1,"time":70}',
    '{"process":"c1","type":"invoke","f":"put","key":"x","value":3,"time":80}',
    '{"process":"c1","type":"ok","f":"put","key":"x","time":90}',
  ];
  const window = ['c1 put x 1 → ok [0, 10]', 'c1 put x 2 → ok [20, 30]', 'c2 get x → 1 [60, 70]'];

  it('writes a page whose data holds the smallest failing window and the longest partial linearization', () => {
    const page = join(dir, 'stale.html');
    const run = lincheck('kv', lines, '--html', page);
    expect(run.code).toBe(1);
    expect(run.out).toContain(`Smallest failing window: 3 operations. Page written to ${page}`);
    const html = readFileSync(page, 'utf8');
    // Nothing fetched: no external script, style or address (the SVG namespace is a name, not a fetch).
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|fetch\(|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const data = JSON.parse(/id="lincheck-data">(.*?)<\/script>/s.exec(html)![1]!) as LincheckPageData;
    const text = (id: number) => data.operations[id]!.text;
    expect(data.window.ids.map(text)).toEqual(window);
    expect(text(data.window.linearization.stuck)).toBe('c2 get x → 1 [60, 70]');
    expect(data.longest.steps.map((s) => text(s.id))).toEqual(['c1 put x 1 → ok [0, 10]', 'c1 put x 2 → ok [20, 30]', 'c2 get x → 2 [40, 50]']);
    expect(data.longest.steps.map((s) => s.state)).toEqual(['1', '2', '2']);
  });

  it('draws the window\'s operations in Chromium, the stuck one marked, and the whole history on request', async () => {
    const page = join(dir, 'stale-browser.html');
    expect(lincheck('kv', lines, '--html', page).code).toBe(1);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
    try {
      const tab = await browser.newPage({ viewport: { width: 1300, height: 500 } });
      const errors: string[] = [];
      tab.on('pageerror', (error) => errors.push(String(error)));
      await tab.goto(pathToFileURL(page).href);
      const drawn = () => tab.evaluate(() => (window as unknown as { lincheckPage: { drawn(): Array<{ label: string; stuck: boolean }> } }).lincheckPage.drawn());
      const opening = await drawn();
      expect(opening.map((d) => d.label)).toEqual(['#1 put 1', '#2 put 2', 'get → 1']);
      expect(opening.filter((d) => d.stuck).map((d) => d.label)).toEqual(['get → 1']);
      await expect(tab.locator('#order li.stuck').textContent()).resolves.toContain('c2 get x → 1 [60, 70] cannot take effect in state 2');
      mkdirSync('artifacts', { recursive: true });
      await tab.screenshot({ path: 'artifacts/lincheck-window.png' });
      await tab.click('#show-all');
      expect((await drawn()).length).toBe(5);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('writes no page for a linearizable history, and says so', () => {
    const run = lincheck('kv', lines.slice(0, 8), '--html', join(dir, 'none.html'));
    expect(run.code).toBe(0);
    expect(run.out).toContain('No page written');
  });
});
