// The tool contract, run against every terminal backend (local.test.ts, docker.test.ts, ssh.test.ts each call it
// with their own real backend): the real terminal, process and file tools over a real SandboxManager built from a
// `terminal` config. A permissive recording gate stands in for approvals, except in the one case below where the
// real ApprovalBroker denies `rm -rf` on every path a command can take and nothing runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApprovalAudit } from '../../../server/approval/audit';
import { ApprovalBroker } from '../../../server/approval/gate';
import { openDatabase } from '../../../server/store/db';
import { createWriteFileTool } from '../../../server/tools/files/write-file';
import { createProcessTool } from '../../../server/tools/process';
import { createTerminalTool } from '../../../server/tools/terminal';
import { silentLogger } from '../../../server/util/log';
import { filesContract } from './contract-files';
import { searchContract } from './contract-search';
import { terminalContract } from './contract-terminal';
import { ToolHarness, type Scene, type ToolBackend } from './harness';

export type { ToolBackend } from './harness';

export function toolContract(name: string, setup: () => Promise<ToolBackend>): void {
  describe(`tool contract: ${name}`, () => {
    let harness: ToolHarness | undefined;
    const h = (): ToolHarness => {
      if (!harness) throw new Error('the backend did not start (see the beforeAll error)');
      return harness;
    };

    beforeAll(async () => {
      const backend = await setup();
      const hh = new ToolHarness(backend);
      await hh.start();
      harness = hh;
    });
    afterAll(async () => harness?.close());

    terminalContract(h);
    filesContract(h);
    searchContract(h);
    approvalContract(h);
  });
}

/** The real broker over a fresh audit database; every request it sends a client is recorded and denied. */
function denyingBroker(h: () => ToolHarness, s: Scene) {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'hermes-contract-audit-')), 'state.db'));
  const asked: { command?: string; path?: string; tool: string }[] = [];
  const broker = new ApprovalBroker({
    config: () => h().config,
    hermesHome: h().backend.hermesHome,
    audit: new ApprovalAudit(db),
    persistAllowlist: () => {
      throw new Error('nothing may be allowlisted here');
    },
    log: silentLogger,
  });
  s.ctx.clients = {
    request: async (_method, params) => {
      asked.push(params as unknown as { command?: string; path?: string; tool: string });
      return { ok: true, result: { decision: 'deny' }, answeredBy: 'contract-test' } as never;
    },
    answerers: () => 1,
  };
  const audit = () => db.prepare('SELECT tool, kind, subject, backend, verdict, decision, answered_by FROM approvals ORDER BY id').all();
  return { broker, asked, audit, close: () => db.close() };
}

function approvalContract(h: () => ToolHarness): void {
  describe('with the real approval broker', () => {
    afterAll(() => h().releaseThreads());

    test('a denied `rm -rf` runs on no path (foreground, background, process stdin) and is audited', async () => {
      const s = await h().scene('approval-deny');
      await s.put('victim/keep.txt', 'still here\n');
      const { broker, asked, audit, close } = denyingBroker(h, s);
      const terminal = createTerminalTool({ sandboxes: h().manager, approvals: broker, processes: h().processes });
      const process = createProcessTool({ processes: h().processes, approvals: broker });
      try {
        const fg = await s.call(terminal, { command: 'rm -rf victim && echo removed' });
        expect(fg).toMatchObject({ isError: true, item: { status: 'declined' } });
        expect(fg.content).toMatch(/^BLOCKED: the user denied this\. Do not retry it/);
        const bg = await s.call(terminal, { command: 'rm -rf victim', background: true });
        expect(bg).toMatchObject({ isError: true, item: { status: 'declined' } });
        expect(h().processes.list(s.threadId)).toEqual([]);

        // An interactive shell in the background is allowed; a dangerous line typed into it is not.
        const started = await s.call(terminal, { command: 'sh', background: true });
        const id = /Started background process (proc_\w+)/.exec(started.content)![1]!;
        const typed = await s.call(process, { action: 'submit', process_id: id, data: 'rm -rf victim' });
        expect(typed).toMatchObject({ isError: true, item: { status: 'declined' } });
        await s.call(process, { action: 'submit', process_id: id, data: 'echo "shell saw: $(ls victim)"' });
        await s.call(process, { action: 'close', process_id: id });
        expect((await s.call(process, { action: 'wait', process_id: id, timeout: 20 })).content).toContain('shell saw: keep.txt');

        expect((await s.sh('cat victim/keep.txt')).output).toBe('still here\n');
        expect(asked.map((a) => [a.tool, a.command])).toEqual([
          ['terminal', 'rm -rf victim && echo removed'],
          ['terminal', 'rm -rf victim'],
          ['process', 'rm -rf victim'],
        ]);
        expect(audit()).toEqual(
          asked.map((a) => ({
            tool: a.tool,
            kind: 'command',
            subject: a.command,
            backend: h().backend.kind,
            verdict: 'approve',
            decision: 'deny',
            answered_by: 'contract-test',
          })),
        );
      } finally {
        close();
      }
    });

    test('a file write into the sandbox user’s ~/.ssh asks, and when denied writes nothing', async () => {
      const s = await h().scene('approval-write');
      const { broker, asked, audit, close } = denyingBroker(h, s);
      // A harmless name inside ~/.ssh: the directory is what makes the write sensitive.
      const target = `${s.sb.home()}/.ssh/hermes-contract-probe-${s.threadId}`;
      try {
        const res = await s.call(createWriteFileTool({ sandboxes: h().manager, approvals: broker }), {
          path: `~/.ssh/hermes-contract-probe-${s.threadId}`,
          content: 'x',
        });
        expect(res).toMatchObject({ isError: true, item: { status: 'declined' } });
        expect(asked).toEqual([expect.objectContaining({ kind: 'fileWrite', tool: 'write_file', path: target })]);
        expect(audit()).toMatchObject([{ tool: 'write_file', kind: 'fileWrite', subject: target, verdict: 'approve', decision: 'deny' }]);
        expect(await s.sb.stat(target)).toBeNull();
      } finally {
        close();
      }
    });
  });
}
