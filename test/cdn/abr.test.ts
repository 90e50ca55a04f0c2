import { describe, expect, it } from 'vitest';
import { ConfigError, ms, seconds } from '../../src/kernel/index.js';
import { bba0, throughputRule } from '../../src/designs/cdn/abr.js';
import { BandwidthTrace } from '../../src/designs/cdn/bandwidth.js';
import { LADDER, LOWEST, segmentBits } from '../../src/designs/cdn/content.js';
import { BBA_MAP, HEADROOM } from '../../src/designs/cdn/system.js';

describe('the throughput rule', () => {
  it('starts at the lowest rung, then takes the highest rung at or below the last sample', () => {
    expect(throughputRule(LADDER, undefined)).toBe(300);
    expect(throughputRule(LADDER, 200)).toBe(300);
    expect(throughputRule(LADDER, 1_750)).toBe(1_750);
    expect(throughputRule(LADDER, 2_999)).toBe(1_750);
    expect(throughputRule(LADDER, 50_000)).toBe(3_000);
  });
});

describe('BBA-0 (Huang et al., SIGCOMM 2014, Algorithm 1)', () => {
  const map = { reservoir: seconds(10), cushion: seconds(30) };

  it('takes the lowest rung in the reservoir and the highest above the cushion, whatever came before', () => {
    for (const previous of [undefined, ...LADDER]) {
      expect(bba0(LADDER, map, seconds(10), previous)).toBe(300);
      expect(bba0(LADDER, map, seconds(40), previous)).toBe(3_000);
    }
  });

  it('moves up only when the rate map passes the next rung, to the highest rung below the map', () => {
    // f(B) = 300 + (B - 10 s) × 2700 / 30 s: f(20 s) = 1200, f(27 s) = 1830.
    expect(bba0(LADDER, map, seconds(20), 300)).toBe(750);
    expect(bba0(LADDER, map, seconds(20), 750)).toBe(750);
    expect(bba0(LADDER, map, seconds(27), 750)).toBe(1_750);
  });

  it('moves down only when the rate map falls to the rung below, to the lowest rung above the map', () => {
    // f(12 s) = 480: at or below 750, the rung below 1750.
    expect(bba0(LADDER, map, seconds(12), 1_750)).toBe(750);
    // f(20 s) = 1200: between 750 and 3000, so 1750 stays.
    expect(bba0(LADDER, map, seconds(20), 1_750)).toBe(1_750);
    // f(20 s) = 1200 <= 1750, the rung below 3000: down to 1750.
    expect(bba0(LADDER, map, seconds(20), 3_000)).toBe(1_750);
  });

  it('with the scenarios\' map, fetches any rung it may pick at a buffer level B at 1.5× the lowest rung in under B - 1.5 s', () => {
    const worst = LOWEST * HEADROOM;
    const slack = ms(1500);
    for (let buffer = BBA_MAP.reservoir + ms(50); buffer <= BBA_MAP.reservoir + BBA_MAP.cushion + seconds(2); buffer += ms(50)) {
      const highest = Math.max(...[undefined, ...LADDER].map((previous) => bba0(LADDER, BBA_MAP, buffer, previous)));
      const download = (segmentBits(highest) * 1000) / worst;
      expect(download + slack, `at a buffer of ${buffer} µs BBA-0 may pick ${highest} kb/s`).toBeLessThan(buffer);
    }
    // In the reservoir the lowest rung takes 2/1.5 s of link time: less than the 2 s of media it brings.
    expect((segmentBits(LOWEST) * 1000) / worst).toBeLessThan(seconds(2) - ms(600));
  });
});

describe('access links', () => {
  const link = new BandwidthTrace([{ at: 0, kbps: 1_000 }, { at: seconds(1), kbps: 500 }, { at: seconds(3), kbps: 4_000 }]);

  it('finish a transfer when the capacity integrated from its start covers its bits', () => {
    expect(link.finish(0, 500_000)).toBe(ms(500));
    // 500 kb in the first second at 1 Mb/s from 0.5 s, then 500 kb at 500 kb/s: 1 s more.
    expect(link.finish(ms(500), 1_000_000)).toBe(seconds(2));
    // Beyond the last step the last capacity holds.
    expect(link.finish(seconds(10), 4_000_000)).toBe(seconds(11));
  });

  it('report the lowest capacity over an interval, including the step in force at its start', () => {
    expect(link.lowest(ms(500), ms(900))).toBe(1_000);
    expect(link.lowest(ms(500), seconds(5))).toBe(500);
    expect(link.lowest(seconds(4), seconds(9))).toBe(4_000);
  });

  it('refuse a trace that does not start at 0, goes back in time, or carries nothing', () => {
    expect(() => new BandwidthTrace([{ at: 5, kbps: 100 }])).toThrow(ConfigError);
    expect(() => new BandwidthTrace([{ at: 0, kbps: 100 }, { at: 0, kbps: 200 }])).toThrow(/not after the step before it/);
    expect(() => new BandwidthTrace([{ at: 0, kbps: 0 }])).toThrow(/above 0 kb\/s/);
  });
});
