// The terminal tool's escalation flow with a scripted sandbox: a sandbox denial asks the gate to run outside and runs
// there only when allowed; outside_sandbox asks first; backends with no "outside" say so.
import { describe, expect, it } from 'vitest';
import { createTerminalTool } from '../../../server/tools/terminal';
import { ProcessRegistry } from '../../../server/tools/process-registry';
import type { ExecResult, Sandbox, SandboxManager } from '../../../server/sandbox/types';
import { makeCtx, RecordingGate } from './helpers/context';

function fake(kind: Sandbox['kind'], confined: boolean, insideOutput: string, insideCode: number) {
  const calls: string[] = [];
  const result = (output: string, exitCode: number): ExecResult => ({ output, exitCode, timedOut: false, interrupted: false, cwd: '/w', durationMs: 1 });
  const sb = {
    kind,
    description: kind,
    confinement: { confined, writable: ['/w', '/tmp'], protected: ['/home/u/.ssh'], network: true },
    cwd: () => '/w',
    home: () => '/home/u',
    exec: async (c: string) => (calls.push(`in:${c}`), result(insideOutput, insideCode)),
    execOutside: confined ? async (c: string) => (calls.push(`out:${c}`), result('written\n', 0)) : undefined,
  } as unknown as Sandbox;
  const manager = { get: async () => sb } as unknown as SandboxManager;
  return { sb, manager, calls };
}

const run = (manager: SandboxManager, gate: RecordingGate, args: Record<string, unknown>) =>
  createTerminalTool({ sandboxes: manager, approvals: gate, processes: new ProcessRegistry({ killGraceMs: 100 }) }).run(
    { command: 'echo x > /opt/f', ...args } as never,
    makeCtx('/w'),
  );

describe('terminal: running outside the sandbox', () => {
  it('a read-only failure inside asks to run outside, and "allowed" runs it there once', async () => {
    // `cd /opt` first: the write target is not foreseeable from the text, so it runs confined and fails first.
    const cmd = 'cd /opt && echo x > f';
    const { manager, calls } = fake('local', true, 'bash: f: Read-only file system\n', 1);
    const gate = new RecordingGate();
    const res = await run(manager, gate, { command: cmd });
    expect(gate.calls.map((c) => c.kind)).toEqual(['command', 'outside']);
    expect(gate.calls[1]).toMatchObject({ command: cmd, cwd: '/w', reason: expect.stringMatching(/read-only/) });
    expect(calls).toEqual([`in:${cmd}`, `out:${cmd}`]);
    expect(res.content).toMatch(/ran once OUTSIDE the OS sandbox in \/w/);
  });

  it('a denied escalation returns the sandboxed result with the reason, and nothing runs outside', async () => {
    const cmd = 'cd /opt && echo x > f';
    const { manager, calls } = fake('local', true, 'bash: f: Read-only file system\n', 1);
    const gate = new RecordingGate((c) => c.kind === 'outside');
    const res = await run(manager, gate, { command: cmd });
    expect(calls).toEqual([`in:${cmd}`]);
    expect(res.content).toMatch(/Read-only file system/);
    expect(res.content).toMatch(/OS sandbox blocked this.*not allowed/s);
  });

  it('a write plainly outside the sandbox asks before it runs; allowed, it runs only outside', async () => {
    const { manager, calls } = fake('local', true, 'bash: /opt/f: Read-only file system\n', 1);
    const gate = new RecordingGate();
    const res = await run(manager, gate, {});
    expect(gate.calls.map((c) => c.kind)).toEqual(['command', 'outside']);
    expect(gate.calls[1]).toMatchObject({ reason: 'it needs writes /opt/f, which the sandbox does not allow' });
    expect(calls).toEqual(['out:echo x > /opt/f']);
    expect(res.content).toMatch(/ran once OUTSIDE/);
  });

  it('declined up front, it runs confined once and is not asked about again', async () => {
    const { manager, calls } = fake('local', true, 'bash: /opt/f: Read-only file system\n', 1);
    const gate = new RecordingGate((c) => c.kind === 'outside');
    const res = await run(manager, gate, {});
    expect(gate.calls.map((c) => c.kind)).toEqual(['command', 'outside']);
    expect(calls).toEqual(['in:echo x > /opt/f']);
    expect(res.content).toMatch(/Read-only file system/);
    expect(res.content).toMatch(/not approved \(deny\), so it ran inside the sandbox/);
  });

  it('an ordinary failure is not an escalation', async () => {
    const { manager, calls } = fake('local', true, 'cat: /w/nope: No such file or directory\n', 1);
    const gate = new RecordingGate();
    await run(manager, gate, { command: 'cat nope' });
    expect(gate.calls.map((c) => c.kind)).toEqual(['command']);
    expect(calls).toEqual(['in:cat nope']);
  });

  it('outside_sandbox asks before anything runs; background and docker/ssh have no outside', async () => {
    const local = fake('local', true, '', 0);
    const gate = new RecordingGate();
    await run(local.manager, gate, { outside_sandbox: true });
    expect(gate.calls.map((c) => c.kind)).toEqual(['command', 'outside']);
    expect(local.calls).toEqual(['out:echo x > /opt/f']);
    const bg = await run(local.manager, new RecordingGate(), { outside_sandbox: true, background: true });
    expect(bg.content).toMatch(/foreground commands only/);
    const docker = fake('docker', false, '', 0);
    const d = await run(docker.manager, new RecordingGate(), { outside_sandbox: true });
    expect(d.content).toMatch(/docker backend has no "outside"/);
    expect(docker.calls).toEqual([]);
  });
});
