import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineScenario, describeExpectation, formatTime, ms, paramValues, runScenario, seconds, Simulation, type Scenario, type TraceEvent } from '../../src/kernel/index.js';
import { renderHtml } from '../../src/report/index.js';
import gcPauseFencing from '../../scenarios/gc-pause-fencing.js';
import paymentsSeedProcessor from '../../scenarios/payments-seed-processor.js';
import raftBugFigure8 from '../../scenarios/raft-bug-figure8.js';
import ratelimitFixedWindowEdge from '../../scenarios/ratelimit-fixed-window-edge.js';
import redlockSkew from '../../scenarios/redlock-skew.js';

// Debian's Chromium, installed by .ci/run. No browser download, and no skipping:
// if it is missing, these tests fail and say how to install it.
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve('artifacts');

/** The page's hooks for tests: what it has drawn, and where. (Runs in the browser; Node has no `window`.) */
declare const window: {
  simReport: {
    lanes: string[];
    drawnEvents(): number[];
    involvedEvents(): number[];
    drawnAnnotations(): Array<{ node: string; field: string; value: string; x: number; y: number }>;
    positionOf(index: number): { x: number; y: number } | null;
    setWindow(start: number, end: number): void;
    settled(): Promise<boolean>;
  };
};

let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it with apt-get install -y chromium (.ci/run does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM });
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => browser?.close());

it(`has Debian's Chromium at ${CHROMIUM} to run in (a missing browser is a failure, never a skip)`, () => {
  expect(existsSync(CHROMIUM), 'install it with apt-get install -y chromium (.ci/run does)').toBe(true);
});

interface Opened {
  page: Page;
  trace: TraceEvent[];
  nodes: readonly string[];
  errors: string[];
}

async function open(name: string, scenario: Scenario, seed: number): Promise<Opened> {
  const result = runScenario(scenario, seed, { trace: true });
  const file = resolve(ARTIFACTS, `${name}-seed-${seed}.html`);
  writeFileSync(file, renderHtml({ scenario: name, description: scenario.description, expect: describeExpectation(scenario.expect) }, result));
  const world = new Simulation({ seed });
  scenario.build(world, paramValues(scenario));
  const page = await browser.newPage({ viewport: { width: 1500, height: 820 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.route(/^(?!file:)/, (route) => {
    errors.push(`the page tried to fetch ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  await page.evaluate(() => window.simReport.settled());
  return { page, trace: result.trace!, nodes: world.nodeIds, errors };
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.simReport.settled());
  await page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`) });
}

/** Pixels near where event i is drawn, centred on it in an 80 ms window, that have this colour (the canvas is what a person sees). */
async function pixelsNear(opened: Opened, i: number, rgb: [number, number, number]): Promise<number> {
  const t = opened.trace[i]!.t;
  await opened.page.evaluate((at) => window.simReport.setWindow(at - 40_000, at + 40_000), t);
  await opened.page.evaluate(() => window.simReport.settled());
  return opened.page.evaluate(([index, [r, g, b]]) => {
    const at = window.simReport.positionOf(index)!;
    const canvas = (globalThis as any).document.getElementById('canvas');
    const box = canvas.getBoundingClientRect();
    const scale = canvas.width / box.width;
    const x0 = Math.round((at.x - box.left - 8) * scale);
    const y0 = Math.round((at.y - box.top - 8) * scale);
    const size = Math.round(16 * scale);
    const data = canvas.getContext('2d').getImageData(x0, y0, size, size).data;
    let count = 0;
    for (let k = 0; k < data.length; k += 4) {
      if (Math.abs(data[k] - r) < 30 && Math.abs(data[k + 1] - g) < 30 && Math.abs(data[k + 2] - b) < 30) count++;
    }
    return count;
  }, [i, rgb] as const);
}

/** The red of lost messages and of refused, denied or lost facts (✕). */
const RED: [number, number, number] = [217, 45, 32];

/** Whether event i is drawn inside the plot as it is shown now. */
async function inView(page: Page, i: number): Promise<boolean> {
  const at = await page.evaluate((index) => window.simReport.positionOf(index), i);
  const box = (await page.locator('#canvas').boundingBox())!;
  return at !== null && at.x >= box.x && at.x <= box.x + box.width;
}

/** What a person reads in the lane labels, top to bottom. */
const laneNames = (page: Page) => page.$$eval('.lane-label .name', (els) => els.map((el) => el.textContent));

describe('the report of a violating run (redlock-skew, seed 1)', () => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await open('redlock-skew', redlockSkew, 1);
  });
  afterAll(async () => opened?.page.close());

  it('has one lane per node', async () => {
    expect((await laneNames(opened.page)).sort()).toEqual([...opened.nodes].sort());
  });

  it('opens at the violation, marked with the property and its message, the nodes involved flagged', async () => {
    const { page, trace } = opened;
    const violation = trace.find((e) => e.kind === 'violation')!;
    const flag = page.locator('.marker.violation .flag');
    await expect(flag.isVisible()).resolves.toBe(true);
    expect(await flag.textContent()).toContain('mutual-exclusion');
    expect(await page.textContent('#verdict')).toContain(`mutual-exclusion violated at ${formatTime(violation.t)}`);
    const involved = await page.$$eval('.lane-label.involved', (els) => els.map((el) => el.getAttribute('data-node')));
    expect(involved.sort()).toEqual(['client-1', 'client-2']);
    await screenshot(page, 'redlock-skew-seed-1');
  });

  it("shows a skewed node's own clock next to true time on hover", async () => {
    const { page, trace } = opened;
    const drawn = await page.evaluate(() => window.simReport.drawnEvents());
    const skewed = drawn.find((i) => { const e = trace[i]!; return e.kind === 'deliver' && e.node.startsWith('redis') && e.local !== e.t; });
    expect(skewed).toBeDefined();
    const e = trace[skewed!] as Extract<TraceEvent, { kind: 'deliver' }>;
    const at = (await page.evaluate((i) => window.simReport.positionOf(i), skewed!))!;
    await page.mouse.move(at.x, at.y);
    const tip = await page.textContent('#tooltip');
    expect(tip).toContain(`true time ${formatTime(e.t)}`);
    expect(tip).toContain(`${e.node}'s clock ${formatTime(e.local)}`);
  });

  it('shows who holds the lock, as the clients and servers annotate it', async () => {
    const { page } = opened;
    const bands = await page.evaluate(() => window.simReport.drawnAnnotations());
    const held = bands.find((b) => b.node === 'client-1' && b.field === 'holds');
    expect(held?.value).toBe('orders');
    await page.mouse.move(held!.x, held!.y);
    expect(await page.textContent('#tooltip')).toContain('client-1 holds: orders');
    const server = bands.find((b) => b.node.startsWith('redis-') && b.field === 'orders');
    expect(server?.value).toMatch(/^client-\d until \d+\.\d{6}s by its clock$/);
    await page.click('#fit');
    await screenshot(page, 'redlock-skew-seed-1-whole-run');
  });
});

describe('the report of a safe run (gc-pause-fencing, seed 1)', () => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await open('gc-pause-fencing', gcPauseFencing, 1);
  });
  afterAll(async () => opened?.page.close());

  it('has one lane per node, and marks the end of the run as safe', async () => {
    const { page } = opened;
    expect((await laneNames(page)).sort()).toEqual([...opened.nodes].sort());
    expect(await page.textContent('.marker.end .flag')).toContain('no property violated');
    expect(await page.locator('.marker.violation').count()).toBe(0);
    await screenshot(page, 'gc-pause-fencing-seed-1');
  });

  it("shades each pause on the paused node's lane, from the pause to the resume", async () => {
    const { page, trace } = opened;
    const pauses = trace.filter((e): e is Extract<TraceEvent, { kind: 'fault' }> => e.kind === 'fault' && e.fault.kind === 'pause');
    expect(pauses.length).toBeGreaterThan(0);
    const regions = page.locator('.region.pause');
    expect(await regions.count()).toBe(pauses.length);
    for (const [k, p] of pauses.entries()) {
      const node = (p.fault as { node: string }).node;
      const region = regions.nth(k);
      expect(await region.getAttribute('data-node')).toBe(node);
      const box = (await region.boundingBox())!;
      const lane = (await page.locator(`.lane-label[data-node="${node}"]`).boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(lane.y - 1);
      expect(box.y + box.height).toBeLessThanOrEqual(lane.y + lane.height + 1);
      expect(box.width).toBeGreaterThan(10);
    }
  });

  it('shows the full record of an event when it is clicked', async () => {
    const { page, trace } = opened;
    await page.evaluate(() => window.simReport.setWindow(0, 300_000));
    await page.evaluate(() => window.simReport.settled());
    // A delivery drawn at a point of its own, so the click can only mean it.
    const target = await page.evaluate(() => {
      const r = window.simReport;
      const points = r.drawnEvents().map((i) => ({ i, at: r.positionOf(i) }));
      return points.find((p) => p.at && points.every((o) => o.i === p.i || !o.at || Math.hypot(o.at.x - p.at!.x, o.at.y - p.at!.y) > 12))?.i;
    });
    expect(target).toBeDefined();
    const at = (await page.evaluate((i) => window.simReport.positionOf(i), target!))!;
    await page.mouse.click(at.x, at.y);
    expect(JSON.parse((await page.textContent('#details pre'))!)).toEqual(trace[target!]);
    expect(await page.textContent('#details .times')).toContain(`Event #${target} at true time ${formatTime(trace[target!]!.t)}`);
    await screenshot(page, 'gc-pause-fencing-seed-1-selected');
  });

  it("filtering to one node hides the other nodes' events", async () => {
    const { page, trace } = opened;
    await page.click('#fit');
    await page.evaluate(() => window.simReport.settled());
    const all = await page.evaluate(() => window.simReport.drawnEvents());
    await page.click('.lane-label[data-node="client-1"]');
    await page.evaluate(() => window.simReport.settled());
    const only = await page.evaluate(() => window.simReport.drawnEvents());
    expect(only.length).toBeGreaterThan(0);
    expect(only.length).toBeLessThan(all.length);
    for (const i of only) {
      const e = trace[i]!;
      expect([e.kind === 'deliver' || e.kind === 'drop' ? e.from : undefined, 'node' in e ? e.node : undefined]).toContain('client-1');
    }
    expect(await page.textContent('#node-summary')).toBe('Nodes: 1 of 5');
    await screenshot(page, 'gc-pause-fencing-seed-1-client-1-only');
    await page.click('.lane-label[data-node="client-1"]');
    await page.evaluate(() => window.simReport.settled());
    expect(await page.evaluate(() => window.simReport.drawnEvents().length)).toBe(all.length);
  });

  it('filtering by event type hides that type', async () => {
    const { page, trace } = opened;
    await page.click('#type-summary');
    await page.uncheck('#type-menu input[data-type="msg:acquire"]');
    await page.evaluate(() => window.simReport.settled());
    const drawn = await page.evaluate(() => window.simReport.drawnEvents());
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.filter((i) => { const e = trace[i]!; return e.kind === 'deliver' && (e.msg as { op?: string }).op === 'acquire'; })).toEqual([]);
  });

  it('raised no script error and fetched nothing', () => {
    expect(opened.errors).toEqual([]);
  });
});

describe('the refused stale write of a safe run (gc-pause-fencing, seed 1)', () => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await open('gc-pause-fencing-refusal', gcPauseFencing, 1);
  });
  afterAll(async () => opened?.page.close());

  it('draws the storage refusing a stale token as a red ✕, and an accepted write as a plain fact', async () => {
    const { trace } = opened;
    const write = (accepted: boolean) => trace.findIndex((e) => e.kind === 'fact' && e.fact === 'storage-write' && (e.data as { accepted: boolean }).accepted === accepted);
    const refused = write(false);
    const accepted = write(true);
    expect([refused, accepted].every((i) => i >= 0)).toBe(true);
    expect(await pixelsNear(opened, refused, RED)).toBeGreaterThan(3);
    await screenshot(opened.page, 'gc-pause-fencing-seed-1-refused-write');
    expect(await pixelsNear(opened, accepted, RED)).toBe(0);
    // The storage's lane says which token it has accepted so far.
    const bands = await opened.page.evaluate(() => window.simReport.drawnAnnotations());
    expect(bands.find((b) => b.node === 'storage' && b.field === 'orders')?.value).toMatch(/^highest token \d+$/);
  });

  it('raised no script error and fetched nothing', () => {
    expect(opened.errors).toEqual([]);
  });
});

describe('the report of a Raft commit that is later lost (raft-bug-figure8, seed 42)', () => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await open('raft-bug-figure8', raftBugFigure8, 42);
  });
  afterAll(async () => opened?.page.close());

  it('opens on a view that contains the commit the violation names, ringed as one of its facts', async () => {
    const { page, trace } = opened;
    const violation = trace.find((e) => e.kind === 'violation')!;
    const [, index, node, at] = /at index (\d+), which (\S+) committed at (\d+\.\d{6})s/.exec(violation.kind === 'violation' ? violation.message : '')!;
    const commit = trace.findIndex((e) => e.kind === 'fact' && e.fact === 'committed' && e.node === node && formatTime(e.t) === `${at}s` && (e.data as { index: number }).index === Number(index));
    expect(commit).toBeGreaterThanOrEqual(0);
    expect(await inView(page, commit)).toBe(true);
    expect(await page.evaluate(() => window.simReport.involvedEvents())).toContain(commit);
    await screenshot(page, 'raft-bug-figure8-seed-42');
  });

  it("shows each server's term, role, commit index and log on its lane", async () => {
    const bands = await opened.page.evaluate(() => window.simReport.drawnAnnotations());
    for (const server of ['raft-1', 'raft-2', 'raft-3']) {
      const fields = new Set(bands.filter((b) => b.node === server).map((b) => b.field));
      expect([...fields].sort(), server).toEqual(expect.arrayContaining(['commit', 'log', 'role', 'term']));
    }
    expect(bands.find((b) => b.field === 'term')!.value).toMatch(/^\d+$/);
    expect(bands.find((b) => b.field === 'log' && b.value !== 'empty')!.value).toMatch(/^\[\d+\]( \d+)+$/);
  });

  it('the Why view keeps only the causal slice', async () => {
    const { page } = opened;
    const before = await page.evaluate(() => window.simReport.drawnEvents());
    await page.click('#why');
    await page.evaluate(() => window.simReport.settled());
    const slice = await page.evaluate(() => window.simReport.drawnEvents());
    expect(slice.length).toBeGreaterThan(0);
    expect(slice.length).toBeLessThan(before.length);
    await screenshot(page, 'raft-bug-figure8-seed-42-why');
    await page.click('#why');
  });

  it('raised no script error and fetched nothing', () => {
    expect(opened.errors).toEqual([]);
  });
});

describe('the report of a double charge (payments-seed-processor, seed 1)', () => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await open('payments-seed-processor', paymentsSeedProcessor, 1);
  });
  afterAll(async () => opened?.page.close());

  it('opens on a view with both charges, and rings only events of the key charged twice', async () => {
    const { page, trace } = opened;
    const violation = trace.find((e) => e.kind === 'violation')!;
    const [, key, first, second] = /^(\S+) charged twice at the network: (ch-\d+) .* and (ch-\d+) /.exec(violation.kind === 'violation' ? violation.message : '')!;
    const charge = (id: string) => trace.findIndex((e) => e.kind === 'fact' && e.fact === 'network-charge' && (e.data as { charge: string }).charge === id);
    for (const id of [first!, second!]) expect(await inView(page, charge(id)), id).toBe(true);
    // Which idempotency key each payment was made for, as the database stored it.
    const keyOf = new Map<string, string>();
    for (const e of trace) if (e.kind === 'fact' && e.fact === 'db-row') {
      const row = (e.data as { table: string; after: { id: string; idempotency_key?: string } });
      if (row.table === 'payments' && row.after.idempotency_key) keyOf.set(row.after.id, row.after.idempotency_key);
    }
    const involved = await page.evaluate(() => window.simReport.involvedEvents());
    expect(involved.length).toBeGreaterThan(0);
    for (const i of involved) {
      const data = (trace[i]! as { data: { key?: string | null; reference?: string; payment?: string } }).data;
      expect(data.key ?? keyOf.get(data.reference ?? data.payment ?? ''), JSON.stringify(trace[i])).toBe(key);
    }
    await screenshot(page, 'payments-seed-processor-seed-1');
  });

  it('raised no script error and fetched nothing', () => {
    expect(opened.errors).toEqual([]);
  });
});

describe('the report of a rate limiter letting a burst through at a window edge (ratelimit-fixed-window-edge, seed 1)', () => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await open('ratelimit-fixed-window-edge', ratelimitFixedWindowEdge, 1);
  });
  afterAll(async () => opened?.page.close());

  it('opens on the window edge: the window the store counts in changes there, on its lane', async () => {
    const bands = await opened.page.evaluate(() => window.simReport.drawnAnnotations());
    const windows = bands.filter((b) => b.field === 'window');
    expect(new Set(windows.map((b) => b.value))).toEqual(new Set(['[0.000000s, 60.000000s)', '[60.000000s, 120.000000s)']));
    const edge = Math.min(...windows.filter((b) => b.value.startsWith('[60')).map((b) => b.x));
    expect(Math.max(...windows.filter((b) => b.value.startsWith('[0.')).map((b) => b.x))).toBeLessThan(edge);
    await screenshot(opened.page, 'ratelimit-fixed-window-edge-seed-1');
  });

  it('draws denied decisions as a red ✕, and the last decision with its counter on the lane', async () => {
    const { trace, page } = opened;
    const decided = (e: TraceEvent, allowed: boolean) => e.kind === 'fact' && e.fact === 'decided' && (e.data as { allowed: boolean }).allowed === allowed;
    // An admitted request with no denial within 10 ms of it, so no ✕ is drawn near it.
    const denials = trace.filter((e) => decided(e, false)).map((e) => e.t);
    const allowed = trace.findIndex((e) => decided(e, true) && denials.every((t) => Math.abs(t - e.t) > ms(10)));
    const denied = trace.findIndex((e) => decided(e, false));
    expect([denied, allowed].every((i) => i >= 0)).toBe(true);
    expect(await pixelsNear(opened, denied, RED)).toBeGreaterThan(3);
    await screenshot(page, 'ratelimit-fixed-window-edge-seed-1-denied');
    const bands = await page.evaluate(() => window.simReport.drawnAnnotations());
    expect(bands.some((b) => b.node === 'redis' && b.field === 'decision' && /^rl:u\d+ (allowed|denied), \d+\/\d+$/.test(b.value))).toBe(true);
    expect(await pixelsNear(opened, allowed, RED)).toBe(0);
  });

  it('raised no script error and fetched nothing', () => {
    expect(opened.errors).toEqual([]);
  });
});

/** The lease lock under every kind of fault, scripted, to see each drawn. */
const faultZoo = defineScenario({
  ...gcPauseFencing,
  description: 'lease lock with fencing under a partition, a crash, a lossy network, a one-way cut, a pause and clock faults',
  duration: seconds(4),
  faults: () => [
    { at: ms(300), kind: 'partition', groups: [['client-1', 'lock'], ['client-2', 'client-3', 'storage']], duration: ms(500) },
    { at: ms(1000), kind: 'crash', node: 'client-3', restartAfter: ms(700) },
    { at: ms(1200), kind: 'degrade', loss: 0.3, duplicate: 0.3, reorder: 0.3, duration: ms(1500) },
    { at: ms(2000), kind: 'partition-oneway', from: ['client-2'], to: ['lock'], duration: ms(600) },
    { at: ms(2900), kind: 'pause', node: 'lock', duration: ms(300) },
    { at: ms(3300), kind: 'clock-jump', node: 'client-1', delta: ms(-800) },
  ],
});

describe('the report of a run under every kind of fault', () => {
  let opened: Opened;
  beforeAll(async () => {
    opened = await open('fault-zoo', faultZoo, 3);
  });
  afterAll(async () => opened?.page.close());

  const regionsOf = (cls: string) =>
    opened.page.$$eval(`.region.${cls}`, (els) => els.map((el) => ({ node: el.getAttribute('data-node'), text: el.textContent })));

  it('shades partitions by side, one-way cuts by direction, the crash until the restart, the degraded network across all lanes', async () => {
    await screenshot(opened.page, 'fault-zoo-seed-3');
    const partitions = await regionsOf('partition');
    expect(partitions).toEqual(expect.arrayContaining([
      { node: 'client-1', text: 'partition: side A [client-1 lock]' },
      { node: 'storage', text: 'partition: side B [client-2 client-3 storage]' },
      { node: 'client-2', text: 'cannot send to lock' },
      { node: 'lock', text: 'cannot hear from client-2' },
    ]));
    expect(await regionsOf('crash')).toEqual([{ node: 'client-3', text: 'crashed, restarts' }]);
    expect(await regionsOf('pause')).toEqual([{ node: 'lock', text: 'paused 300ms' }]);
    expect(await regionsOf('clock')).toEqual([{ node: 'client-1', text: 'clock −800ms' }]);
    const degraded = await regionsOf('degrade');
    expect(degraded).toHaveLength(1);
    expect(degraded[0]!.text).toMatch(/^network degraded: loss 30%, duplicate 30%, reorder 30%$/);
  });

  it('draws lost, duplicated and delayed messages in their own colours', async () => {
    const { trace } = opened;
    const deliveries = new Map<number, number>();
    for (const e of trace) if (e.kind === 'deliver') deliveries.set(e.id, (deliveries.get(e.id) ?? 0) + 1);
    const lost = trace.findIndex((e) => e.kind === 'drop');
    const duplicate = trace.findIndex((e) => e.kind === 'deliver' && deliveries.get(e.id)! > 1);
    // The pause holds messages to the lock until it resumes: they arrive late.
    const delayed = trace.findIndex((e) => e.kind === 'deliver' && e.node === 'lock' && e.t - e.sentAt > ms(100));
    expect([lost, duplicate, delayed].every((i) => i >= 0)).toBe(true);
    const ORANGE: [number, number, number] = [220, 104, 3];
    const PURPLE: [number, number, number] = [122, 46, 152];
    expect(await pixelsNear(opened, lost, RED)).toBeGreaterThan(3);
    expect(await pixelsNear(opened, duplicate, ORANGE)).toBeGreaterThan(3);
    expect(await pixelsNear(opened, delayed, PURPLE)).toBeGreaterThan(3);
    expect(await pixelsNear(opened, delayed, RED)).toBe(0);
    await screenshot(opened.page, 'fault-zoo-seed-3-delayed');
  });

  it('raised no script error and fetched nothing', () => {
    expect(opened.errors).toEqual([]);
  });
});
