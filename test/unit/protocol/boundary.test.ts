// The process boundary is checked by the compiler: the extension and the webview are TypeScript projects whose file
// list is their own folder plus server/protocol, so importing any other host module fails `tsc -b` (TS6307).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
const run = promisify(execFile);

async function tsc(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(TSC, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, out: (err.stdout ?? '') + (err.stderr ?? '') };
  }
}

/** Type-checks one extra file as if it were part of `project` (extension or webview), outside the work tree. */
async function checkAs(project: 'extension' | 'webview', source: string) {
  const dir = mkdtempSync(join(tmpdir(), `hermes-boundary-${project}-`));
  writeFileSync(join(dir, 'probe.ts'), source);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(ROOT, project, 'tsconfig.json'),
      compilerOptions: { typeRoots: [join(ROOT, 'node_modules', '@types')], rootDir: '/', outDir: join(dir, 'out'), tsBuildInfoFile: join(dir, 'out', 'probe.tsbuildinfo') },
      include: [join(ROOT, project), join(ROOT, 'server', 'protocol'), join(dir, 'probe.ts')],
    }),
  );
  return tsc(['-p', join(dir, 'tsconfig.json')]);
}

const rel = (p: string) => JSON.stringify(join(ROOT, p));

describe('protocol boundary', () => {
  it('the extension, webview and server projects build as they are', async () => {
    const r = await tsc(['-b', 'tsconfig.boundary.json']);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  it('an extension file may import server/protocol', async () => {
    const r = await checkAs('extension', `import { clientRequests } from ${rel('server/protocol')};\nexport const n = Object.keys(clientRequests).length;\n`);
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  it('an extension file importing a host module fails the build, naming the file', async () => {
    const r = await checkAs('extension', `import type { ClientHub } from ${rel('server/rpc/hub')};\nexport type H = ClientHub;\n`);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/error TS6307: File '[^']*server\/rpc\/hub\.ts' is not listed within the file list of project/);
  }, 120_000);

  it('a webview file importing the extension or the host fails the build', async () => {
    const r = await checkAs('webview', `import { HOST_SETTINGS } from ${rel('extension/settings')};\nimport { redact } from ${rel('server/util/redact')};\nexport const x = [HOST_SETTINGS, redact];\n`);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/TS6307: File '[^']*extension\/settings\.ts'/);
    expect(r.out).toMatch(/TS6307: File '[^']*server\/util\/redact\.ts'/);
  }, 120_000);
});
