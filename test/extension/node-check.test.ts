// The Node the extension would run the host on: missing, too old, or without a packaged better-sqlite3 build for
// its ABI is a clear sentence, not a stack trace; a checkout (no dist/native) accepts any Node 20+.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkNode, nodeProblem } from '../../extension/host/node-check';

const dir = mkdtempSync(join(tmpdir(), 'hermes-node-check-'));
function fakeNode(name: string, script: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${script}\n`);
  chmodSync(p, 0o755);
  return p;
}
function packaged(abis: string[]): string {
  const root = mkdtempSync(join(dir, 'pkg-'));
  mkdirSync(join(root, 'dist', 'server'), { recursive: true });
  for (const a of abis) mkdirSync(join(root, 'dist', 'native', `node-v${a}`), { recursive: true });
  return join(root, 'dist', 'server', 'main.js');
}

describe('node check', () => {
  it('the Node running this test is fine for a checkout', async () => {
    expect(await checkNode(process.execPath, join(dir, 'checkout', 'dist', 'server', 'main.js'), process.env)).toBeUndefined();
  });

  it('a missing binary, a non-Node program and an old Node are named', async () => {
    expect(await checkNode(join(dir, 'nope'), 'x', process.env)).toBe(`no Node.js was found at "${join(dir, 'nope')}"`);
    expect(await checkNode(fakeNode('liar', 'echo hello'), 'x', process.env)).toMatch(/did not answer like Node\.js/);
    expect(await checkNode(fakeNode('old', 'echo "18.19.0 108"'), 'x', process.env)).toBe('Node.js 18.19.0 is too old: Hermes needs Node.js 20 or newer (20, 22 or 24)');
  });

  it('a packaged build serves the ABIs it carries and names them otherwise', async () => {
    const entry = packaged(['115', '127', '137']);
    expect(nodeProblem({ version: '22.23.5', abi: '127' }, entry)).toBeUndefined();
    expect(nodeProblem({ version: '26.1.0', abi: '147' }, entry)).toBe('Node.js 26.1.0 is not supported by this build of Hermes (supported: Node.js 20, 22, 24)');
    expect(await checkNode(fakeNode('n26', 'echo "26.1.0 147"'), entry, process.env)).toMatch(/not supported by this build/);
  });
});
