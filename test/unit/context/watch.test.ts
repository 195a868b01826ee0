import { mkdirSync, mkdtempSync, realpathSync, rmSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchContext, type ContextReport, type Disposable } from '../../../server/context';

let base: string;
let root: string;
let home: string;
let b: string;
let watcher: Disposable | undefined;
let reports: ContextReport[];

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'hermes-ctxw-')));
  root = join(base, 'ws');
  home = join(base, 'home');
  b = join(root, 'a', 'b');
  mkdirSync(b, { recursive: true });
  mkdirSync(home);
  reports = [];
});
afterEach(() => {
  watcher?.dispose();
  watcher = undefined;
  rmSync(base, { recursive: true, force: true });
});

function start(): void {
  watcher = watchContext({ workspaceRoot: root, cwd: b, hermesHome: home }, (r) => reports.push(r), { debounceMs: 50 });
}

/** Waits until the n-th report arrives (polls; the outer test timeout bounds it). */
async function nth(n: number): Promise<ContextReport> {
  while (reports.length < n) await new Promise((r) => setTimeout(r, 10));
  return reports[n - 1];
}

const agents = (r: ContextReport) => r.agents.map((f) => [f.relPath, f.content]);

describe('watchContext', () => {
  it('reports AGENTS.md created, edited and deleted at any level', async () => {
    start();
    writeFileSync(join(b, 'AGENTS.md'), 'b rules');
    expect(agents(await nth(1))).toEqual([['a/b/AGENTS.md', 'b rules']]);

    writeFileSync(join(root, 'AGENTS.md'), 'root rules');
    expect(agents(await nth(2))).toEqual([
      ['AGENTS.md', 'root rules'],
      ['a/b/AGENTS.md', 'b rules'],
    ]);

    writeFileSync(join(b, 'AGENTS.md'), 'b rules v2');
    expect(agents(await nth(3))[1]).toEqual(['a/b/AGENTS.md', 'b rules v2']);

    unlinkSync(join(root, 'AGENTS.md'));
    expect(agents(await nth(4))).toEqual([['a/b/AGENTS.md', 'b rules v2']]);
  });

  it('coalesces a burst of writes and ignores unrelated files', async () => {
    start();
    writeFileSync(join(b, 'notes.txt'), 'irrelevant');
    writeFileSync(join(root, 'package.json'), '{}');
    for (let i = 0; i < 5; i++) writeFileSync(join(root, 'a', 'AGENTS.md'), `v${i}`);
    expect(agents(await nth(1))).toEqual([['a/AGENTS.md', 'v4']]);
    // a later change is still seen, and the burst above produced one report only
    writeFileSync(join(root, 'a', 'AGENTS.md'), 'v5');
    expect(agents(await nth(2))).toEqual([['a/AGENTS.md', 'v5']]);
    expect(reports).toHaveLength(2);
  });

  it('sees editor-style atomic saves (write temp, rename over)', async () => {
    writeFileSync(join(root, 'AGENTS.md'), 'old');
    start();
    writeFileSync(join(root, '.AGENTS.md.swp'), 'new');
    renameSync(join(root, '.AGENTS.md.swp'), join(root, 'AGENTS.md'));
    expect(agents(await nth(1))).toEqual([['AGENTS.md', 'new']]);
  });

  it('picks up SOUL.md in HERMES_HOME and rules in a .cursor/rules folder created later', async () => {
    start();
    writeFileSync(join(home, 'SOUL.md'), 'soul');
    expect((await nth(1)).soul?.content).toBe('soul');

    mkdirSync(join(root, '.cursor', 'rules'), { recursive: true });
    writeFileSync(join(root, '.cursor', 'rules', 'x.mdc'), 'rule one');
    let r = await nth(reports.length + 1);
    while (r.rules.length === 0) r = await nth(reports.length + 1);
    expect(r.rules.map((f) => f.content)).toEqual(['rule one']);

    // the new folder is now watched itself
    const seen = reports.length;
    writeFileSync(join(root, '.cursor', 'rules', 'x.mdc'), 'rule two');
    expect((await nth(seen + 1)).rules.map((f) => f.content)).toEqual(['rule two']);
  });

  it('re-arms when a level folder is deleted and created again', async () => {
    writeFileSync(join(b, 'AGENTS.md'), 'first');
    start();
    rmSync(join(root, 'a'), { recursive: true });
    expect(agents(await nth(1))).toEqual([]);
    mkdirSync(b, { recursive: true });
    writeFileSync(join(b, 'AGENTS.md'), 'second');
    let r = await nth(2);
    while (r.agents.length === 0) r = await nth(reports.length + 1);
    expect(agents(r)).toEqual([['a/b/AGENTS.md', 'second']]);
  });

  it('stops reporting after dispose', async () => {
    start();
    writeFileSync(join(b, 'AGENTS.md'), 'one');
    await nth(1);
    watcher!.dispose();
    writeFileSync(join(b, 'AGENTS.md'), 'two');
    // Give a straggling event time to fire; the count is what is asserted, not a duration.
    await new Promise((r) => setTimeout(r, 300));
    expect(reports).toHaveLength(1);
  });
});
