import { describe, expect, it } from 'vitest';
import { ms, seconds, type Fact, type Micros, type Property } from '../../src/kernel/index.js';
import type { TimelineFact } from '../../src/designs/timeline/facts.js';
import type { FollowGraph } from '../../src/designs/timeline/graph.js';
import { deleteHonoured, noHoles, timelineOrder } from '../../src/designs/timeline/properties.js';

/** u2 and u3 follow u1; u3 also follows u2. */
const graph: FollowGraph = {
  users: ['u1', 'u2', 'u3'],
  followers: new Map([['u1', ['u2', 'u3']], ['u2', ['u3']], ['u3', []]]),
  following: new Map([['u1', []], ['u2', ['u1']], ['u3', ['u1', 'u2']]]),
};

const fact = <K extends TimelineFact['kind']>(t: Micros, node: string, kind: K, data: Extract<TimelineFact, { kind: K }>['data']): Fact =>
  ({ t, node, kind, data }) as unknown as Fact;
const posted = (t: Micros, id: string, author: string) => fact(t, 'tweets', 'tweet-posted', { id, author });
const deleted = (t: Micros, id: string, author: string) => fact(t, 'tweets', 'tweet-deleted', { id, author });
const followed = (t: Micros, follower: string, followee: string) => fact(t, 'tweets', 'follow', { follower, followee });
let reads = 0;
/** A read of `user`'s timeline from `start` to `start + 1 ms` that returned `ids`. */
const read = (start: Micros, user: string, ids: string[], limit = 800, node = 'reader-1'): Fact[] => {
  const id = `${node}/${++reads}`;
  return [fact(start, node, 'read-start', { read: id, user }), fact(start + ms(1), node, 'timeline-read', { read: id, user, ids, limit })];
};

/** Feeds a hand-built history; returns the first breach message, or the end-of-run verdict. */
function judge(property: Property<any>, facts: Fact[], faultsOverAt: Micros = 0): string | undefined {
  for (const f of facts.sort((a, b) => a.t - b.t)) {
    if (property.watches && !property.watches.includes(f.kind)) continue;
    const breach = property.observe?.(f);
    if (breach) return breach.message;
  }
  return property.finish?.({ t: seconds(20), faultsOverAt })?.message;
}

const bound = seconds(1);

describe('no-holes', () => {
  it('holds when a late read returns every tweet of everyone followed', () => {
    expect(judge(noHoles(graph, { bound }), [posted(ms(100), '200', 'u1'), posted(ms(200), '300', 'u2'), ...read(seconds(5), 'u3', ['300', '200'])])).toBeUndefined();
  });

  it('is broken by a late read that lacks a followed author\'s tweet', () => {
    const message = judge(noHoles(graph, { bound }), [posted(ms(100), '200', 'u1'), posted(ms(200), '300', 'u2'), ...read(seconds(5), 'u3', ['300'])]);
    expect(message).toMatch(/^reader-1's read of u3's timeline at 5\.000000s lacks tweet 200 by u1, posted at 0\.100000s/);
  });

  it('does not judge reads before the faults are over and the bound has passed, nor tweets younger than the bound', () => {
    const history = [posted(ms(100), '200', 'u1'), ...read(seconds(2), 'u2', []), posted(seconds(4.5), '300', 'u1'), ...read(seconds(5), 'u2', ['200'])];
    expect(judge(noHoles(graph, { bound }), history, seconds(1.5))).toBeUndefined();
    expect(judge(noHoles(graph, { bound }), history, 0)).toMatch(/lacks tweet 200/);
  });

  it('excuses deleted tweets, tweets from before a follow began, and tweets beyond a full read\'s window', () => {
    expect(judge(noHoles(graph, { bound }), [posted(ms(100), '200', 'u1'), deleted(ms(300), '200', 'u1'), ...read(seconds(5), 'u2', [])])).toBeUndefined();
    expect(judge(noHoles(graph, { bound }), [posted(ms(100), '200', 'u3'), followed(ms(200), 'u1', 'u3'), ...read(seconds(5), 'u1', [])])).toBeUndefined();
    expect(judge(noHoles(graph, { bound }), [followed(ms(50), 'u1', 'u3'), posted(ms(100), '200', 'u3'), ...read(seconds(5), 'u1', [])])).toMatch(/lacks tweet 200 by u3/);
    expect(judge(noHoles(graph, { bound }), [posted(ms(100), '200', 'u1'), posted(ms(200), '300', 'u1'), ...read(seconds(5), 'u2', ['300'], 1)])).toBeUndefined();
  });

  it('judges only its own system\'s facts when scoped', () => {
    expect(judge(noHoles(graph, { bound, scope: 'b-' }), [posted(ms(100), '200', 'u1'), ...read(seconds(5), 'u2', [])])).toBeUndefined();
  });
});

describe('order', () => {
  it('holds for reads newest first whose tweets stay', () => {
    expect(judge(timelineOrder(), [...read(seconds(1), 'u2', ['300', '200']), ...read(seconds(2), 'u2', ['400', '300', '200'])])).toBeUndefined();
  });

  it('is broken by a read out of id order, comparing ids as numbers', () => {
    expect(judge(timelineOrder(), read(seconds(1), 'u2', ['99', '100']))).toMatch(/returned tweet 100 after 99 \(position 2 of 2\)/);
  });

  it('is broken by a tweet returned twice', () => {
    expect(judge(timelineOrder(), read(seconds(1), 'u2', ['300', '300']))).toMatch(/returned tweet 300 after 300/);
  });

  it('is broken by a tweet that disappears and comes back', () => {
    const message = judge(timelineOrder(), [...read(seconds(1), 'u2', ['300', '200']), ...read(seconds(2), 'u2', ['300'], 800, 'reader-2'), ...read(seconds(3), 'u2', ['300', '200'])]);
    expect(message).toMatch(/^tweet 200 disappeared from u2's timeline and came back: .* missing from reader-2's read at 2\.000000s/);
  });

  it('excuses a tweet that left a full read\'s window, a deleted one, and reads that overlap', () => {
    expect(judge(timelineOrder(), [...read(seconds(1), 'u2', ['300', '200']), ...read(seconds(2), 'u2', ['400'], 1), ...read(seconds(3), 'u2', ['300', '200'])])).toBeUndefined();
    expect(judge(timelineOrder(), [...read(seconds(1), 'u2', ['300', '200']), deleted(seconds(1.5), '200', 'u1'), ...read(seconds(2), 'u2', ['300']), ...read(seconds(3), 'u2', ['300', '200'])])).toBeUndefined();
    // The middle read started before the first returned: it may have been served first.
    const overlapping = [fact(seconds(1), 'reader-2', 'read-start', { read: 'x', user: 'u2' }), ...read(seconds(1) + 10, 'u2', ['200']), fact(seconds(1) + ms(5), 'reader-2', 'timeline-read', { read: 'x', user: 'u2', ids: [], limit: 800 }), ...read(seconds(3), 'u2', ['200'])];
    expect(judge(timelineOrder(), overlapping)).toBeUndefined();
  });
});

describe('delete-honoured', () => {
  it('holds when reads after the bound no longer return the deleted tweet', () => {
    expect(judge(deleteHonoured({ bound }), [deleted(seconds(1), '200', 'u1'), ...read(seconds(1.5), 'u2', ['200']), ...read(seconds(3), 'u2', [])])).toBeUndefined();
  });

  it('is broken by a read more than the bound after the deletion that returns it', () => {
    expect(judge(deleteHonoured({ bound }), [deleted(seconds(1), '200', 'u1'), ...read(seconds(3), 'u2', ['300', '200'])])).toMatch(
      /^reader-1's read of u2's timeline at 3\.000000s returned tweet 200, deleted at 1\.000000s/,
    );
  });

  it('waits for the faults to be over', () => {
    expect(judge(deleteHonoured({ bound }), [deleted(seconds(1), '200', 'u1'), ...read(seconds(3), 'u2', ['200'])], seconds(2.5))).toBeUndefined();
  });
});
