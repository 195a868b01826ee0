// The helper an interrupt runs beside a shell whose /proc the host cannot read (SSH, Docker): it waits while the
// shell itself holds its terminal — ^C then could land between a fork and the job taking the terminal, and bash
// would exit with 130, losing its state — and returns at once while a job holds it. Against a real bash on a pty.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, expect, test } from 'vitest';
import * as pty from 'node-pty';
import { awaitJobScript } from '../../../server/sandbox/shell-script';

const term = pty.spawn('bash', ['--norc', '--noprofile', '-i'], { name: 'xterm', cols: 80, rows: 24, env: { PATH: process.env.PATH!, PS1: '$ ' } });
afterAll(() => term.kill('SIGKILL'));

/** pgrp and tpgid of the shell, from /proc. */
function holdsTerminal(pid: number): boolean {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return f[2] === f[5];
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

const waits = (pid: number) => Number(execFileSync('sh', ['-c', awaitJobScript(pid, 150)], { encoding: 'utf8' }).trim());

test('waits the whole time while the shell holds its terminal, not at all while a job does', async () => {
  await until(() => holdsTerminal(term.pid));
  expect(waits(term.pid)).toBe(30);
  term.write('sleep 30\r');
  await until(() => !holdsTerminal(term.pid));
  expect(waits(term.pid)).toBe(0);
});

test('a pid with no /proc entry ends it at once', () => {
  expect(Number(execFileSync('sh', ['-c', awaitJobScript(2 ** 22 + 12345, 150)], { encoding: 'utf8' }).trim())).toBe(0);
});
