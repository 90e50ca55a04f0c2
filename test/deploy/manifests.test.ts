import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { INIT_FILES } from '../../src/cli/init.js';
import { describe, expect, test } from 'vitest';
import { parseYaml } from './yaml-subset.js';

/**
 * The shipped files for running sim across machines, read as the systems that run
 * them read them: the fields a Kubernetes Indexed Job and a GitHub Actions matrix
 * need, and the commands that tie a pod's index or a matrix entry to its shard and
 * merge the shards back.
 */
const read = (path: string) => parseYaml(readFileSync(path, 'utf8')) as any;

describe('deploy/k8s/sim-check-job.yaml: sim check as a Kubernetes Indexed Job', () => {
  const job = read('deploy/k8s/sim-check-job.yaml');
  const pod = job.spec.template.spec;
  const container = pod.containers[0];
  const shards = Number(container.env.find((e: { name: string }) => e.name === 'SHARDS').value);

  test('is a batch/v1 Job with a name, in Indexed completion mode', () => {
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'sim-check' }, spec: { completionMode: 'Indexed' } });
  });

  test('has one completion per shard, all running at once', () => {
    expect(job.spec.completions).toBe(shards);
    expect(job.spec.parallelism).toBe(shards);
    expect(shards).toBeGreaterThan(1);
  });

  test('has a pod template a Job accepts: restartPolicy Never (or OnFailure), a named container with an image', () => {
    expect(['Never', 'OnFailure']).toContain(pod.restartPolicy);
    expect(container.name).toMatch(/^[a-z0-9-]+$/);
    expect(typeof container.image).toBe('string');
  });

  test('selects the shard from the completion index (0-based) and prints the JSON report sim merge reads', () => {
    expect(container.command).toEqual(['sh', '-c']);
    const script: string = container.args[0];
    expect(script).toContain('npx sim check --shard "$((JOB_COMPLETION_INDEX + 1))/$SHARDS"');
    expect(script).toContain('--json --quiet');
    // A contradicted verdict (exit 1) is the merge's to report; bad input or a model's throw fails the pod.
    expect(script).toMatch(/\[ "\$code" -le 1 \]\n$/);
    expect(spawnSync('sh', ['-n', '-c', script]).status).toBe(0);
  });

  test('says how to collect every shard and merge them', () => {
    const text = readFileSync('deploy/k8s/sim-check-job.yaml', 'utf8');
    expect(text).toContain(`for i in ${Array.from({ length: shards }, (_, i) => i).join(' ')}; do`);
    expect(text).toContain('batch.kubernetes.io/job-completion-index=$i');
    expect(text).toContain('npx sim merge results/*.json --junit sim-results.xml');
  });
});

describe('ci/github-shards.yml: sim check as a GitHub Actions matrix merged into one JUnit file', () => {
  const workflow = read('ci/github-shards.yml');
  const shards = Number(workflow.env.SHARDS);

  test('runs one job per shard, 1..SHARDS, none cancelling the others', () => {
    expect(workflow.jobs.shard.strategy.matrix.shard).toEqual(Array.from({ length: shards }, (_, i) => i + 1));
    expect(workflow.jobs.shard.strategy['fail-fast']).toBe(false);
    const check = workflow.jobs.shard.steps.find((s: { run?: string }) => s.run?.includes('sim check'));
    expect(check.run).toContain('npx sim check --shard ${{ matrix.shard }}/$SHARDS --json --quiet > shard-${{ matrix.shard }}.json');
  });

  test('merges every shard\'s report after they all ran, into the verdict and the JUnit file', () => {
    const merge = workflow.jobs.merge;
    expect(merge.needs).toBe('shard');
    const download = merge.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/download-artifact'));
    expect(download.with).toMatchObject({ pattern: 'sim-shard-*', 'merge-multiple': true, path: 'results' });
    expect(merge.steps.map((s: { run?: string }) => s.run)).toContain('npx sim merge results/*.json --junit sim-results.xml');
  });
});

describe('the workflow sim init writes', () => {
  test('checks every scenario on each push and pull request, and keeps the JUnit file', () => {
    const workflow = parseYaml(INIT_FILES.find((f) => f.path === '.github/workflows/sim.yml')!.text) as any;
    expect(workflow.on).toEqual(['push', 'pull_request']);
    const steps: Array<{ run?: string; uses?: string; with?: { path?: string } }> = workflow.jobs.sim.steps;
    expect(steps.map((s) => s.run)).toEqual(expect.arrayContaining(['npm ci', 'npx sim check --junit sim-results.xml']));
    expect(steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))?.with?.path).toBe('sim-results.xml');
  });
});

describe('the YAML subset reader', () => {
  test('reads what the manifests use', () => {
    expect(parseYaml('a: 1\nb:\n  - x: "2"\n    y: [p, q]\n  - plain # comment\nc: |\n  one\n    two\nd: true\n')).toEqual({
      a: 1, b: [{ x: '2', y: ['p', 'q'] }, 'plain'], c: 'one\n  two\n', d: true,
    });
  });

  test('refuses what it does not read, with the line', () => {
    expect(() => parseYaml('a: 1\nb: { c: 2 }\n')).toThrow(/line 2: outside the YAML subset/);
    expect(() => parseYaml('a: 1\n   b: 2\n')).toThrow(/line 2: unexpected indentation/);
  });
});
