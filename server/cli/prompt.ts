// Line-based questions on the terminal for the setup wizard: free text with a default, a numbered choice, and hidden
// input for keys (nothing typed is echoed, so a key never lands in the terminal's scrollback).
import { createInterface, type Interface } from 'node:readline/promises';
import { Writable } from 'node:stream';

export interface Prompter {
  text(question: string, def?: string): Promise<string>;
  /** A value that is not echoed. Empty when the user just presses Enter. */
  secret(question: string): Promise<string>;
  /** One of `options` (by number or by value); the default is taken on Enter. */
  choose(question: string, options: { value: string; label: string }[], def?: string): Promise<string>;
  yes(question: string, def: boolean): Promise<boolean>;
  say(line: string): void;
  close(): void;
}

export function terminalPrompter(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Prompter {
  let muted = false;
  // readline echoes what is typed through its output; while a secret is read, that echo is dropped.
  const sink = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) output.write(chunk);
      cb();
    },
  });
  const rl: Interface = createInterface({ input, output: sink, terminal: (input as { isTTY?: boolean }).isTTY === true });
  const ask = async (q: string) => (await rl.question(q)).trim();
  return {
    async text(question, def) {
      const a = await ask(`${question}${def ? ` [${def}]` : ''}: `);
      return a || def || '';
    },
    async secret(question) {
      output.write(`${question}: `);
      muted = true;
      try {
        return (await rl.question('')).trim();
      } finally {
        muted = false;
        output.write('\n');
      }
    },
    async choose(question, options, def) {
      output.write(`${question}\n`);
      options.forEach((o, i) => output.write(`  ${i + 1}) ${o.label}\n`));
      for (;;) {
        const a = await ask(`choose 1-${options.length}${def ? ` [${def}]` : ''}: `);
        if (!a && def) return def;
        const n = Number(a);
        if (Number.isInteger(n) && n >= 1 && n <= options.length) return options[n - 1].value;
        const byValue = options.find((o) => o.value === a);
        if (byValue) return byValue.value;
        output.write(`  "${a}" is not one of the choices\n`);
      }
    },
    async yes(question, def) {
      const a = (await ask(`${question} [${def ? 'Y/n' : 'y/N'}]: `)).toLowerCase();
      return a ? a.startsWith('y') : def;
    },
    say(line) {
      output.write(line + '\n');
    },
    close() {
      rl.close();
    },
  };
}
