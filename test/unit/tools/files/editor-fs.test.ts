// File content through the turn's editor: only on the local backend, only the methods the origin surface answers,
// binary content and everything but readFile/writeFile still on the sandbox, a refusal surfacing as an EIO error.
import { describe, expect, it } from 'vitest';
import { fileSandboxFor } from '../../../../server/tools/files/editor-fs';
import type { Sandbox } from '../../../../server/sandbox/types';
import { makeCtx } from '../helpers/context';

function fakeSandbox(kind: Sandbox['kind']) {
  const calls: string[] = [];
  const sb = {
    kind,
    cwd: () => '/ws',
    home: () => '/home/u',
    readFile: async (p: string) => (calls.push(`read ${p}`), Buffer.from('disk')),
    writeFile: async (p: string) => void calls.push(`write ${p}`),
    mkdir: async (p: string) => void calls.push(`mkdir ${p}`),
    stat: async () => null,
  } as unknown as Sandbox;
  return { sb, calls };
}

function ctxWith(methods: string[], answer: (method: string, params: any) => unknown) {
  const ctx = makeCtx('/ws');
  const asked: { method: string; params: any; routing: unknown }[] = [];
  ctx.clients = {
    answerers: (m, routing) => (methods.includes(m) && (routing as { origin?: string })?.origin === 'test' ? 1 : 0),
    request: async (method, params, opts) => {
      asked.push({ method, params, routing: opts.routing });
      return { ok: true, result: answer(method, params) as never, answeredBy: 'zed' };
    },
  };
  return { ctx, asked };
}

describe('file tools through the editor', () => {
  it('reads and writes text through the origin surface, relative paths resolved against the shell cwd', async () => {
    const { sb, calls } = fakeSandbox('local');
    const { ctx, asked } = ctxWith(['fs/readTextFile', 'fs/writeTextFile'], (m) => (m === 'fs/readTextFile' ? { content: 'buffer' } : {}));
    const s = await fileSandboxFor({ sandboxes: { get: async () => sb } as never }, ctx);
    expect((await s.readFile('a.txt')).toString()).toBe('buffer');
    await s.writeFile('/ws/sub/b.txt', 'new text');
    expect(asked.map((a) => [a.method, a.params])).toEqual([
      ['fs/readTextFile', { threadId: 'thread-1', path: '/ws/a.txt' }],
      ['fs/writeTextFile', { threadId: 'thread-1', path: '/ws/sub/b.txt', content: 'new text' }],
    ]);
    expect(asked[0].routing).toEqual({ answerers: 'origin', origin: 'test' });
    // The sandbox still made the folder; it read and wrote nothing itself.
    expect(calls).toEqual(['mkdir /ws/sub']);
    // Binary content is not the editor's business.
    await s.writeFile('/ws/img.bin', Buffer.from([0xff, 0xfe, 0x00]));
    expect(calls).toContain('write /ws/img.bin');
  });

  it('leaves the sandbox alone without an editor that offers it, and on Docker or SSH', async () => {
    for (const [kind, methods] of [['local', []], ['docker', ['fs/readTextFile']], ['ssh', ['fs/readTextFile']]] as const) {
      const { sb, calls } = fakeSandbox(kind);
      const { ctx, asked } = ctxWith([...methods], () => ({ content: 'buffer' }));
      const s = await fileSandboxFor({ sandboxes: { get: async () => sb } as never }, ctx);
      expect((await s.readFile('/ws/a')).toString()).toBe('disk');
      expect(asked).toEqual([]);
      expect(calls).toEqual(['read /ws/a']);
    }
  });

  it('a refusal or no answer is an EIO error naming the reason', async () => {
    const { sb } = fakeSandbox('local');
    const { ctx } = ctxWith(['fs/readTextFile'], () => ({ error: 'file is not open' }));
    const s = await fileSandboxFor({ sandboxes: { get: async () => sb } as never }, ctx);
    await expect(s.readFile('/ws/a')).rejects.toMatchObject({ code: 'EIO', message: 'the editor refused: file is not open' });
    ctx.clients.request = async () => ({ ok: false, reason: 'timeout' });
    await expect(s.readFile('/ws/a')).rejects.toMatchObject({ code: 'EIO', message: 'the editor did not answer (timeout)' });
  });
});
