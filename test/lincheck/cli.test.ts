import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'lincheck-'));

function lincheck(model: string, lines: string[]) {
  const file = join(dir, `${model}-${lines.length}-${Math.abs(hash(lines.join()))}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  const run = spawnSync('node', ['bin/sim.js', 'lincheck', '--model', model, file], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: run.status, out: run.stdout, err: run.stderr };
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
});
