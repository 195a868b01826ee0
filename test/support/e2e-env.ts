// Shared lifecycle for end-to-end tests: one scripted model server per file, every host a test starts is killed
// after it, and (optionally) a check that the test used up exactly the replies it scripted.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { ScriptedModelServer } from './model-server';
import { startHost, type HostProcess } from './host-process';

export interface E2EEnv {
  /** The file's scripted model server (started before the first test). */
  readonly model: ScriptedModelServer;
  /** Starts a built host that is killed after the current test. */
  start(opts: Parameters<typeof startHost>[0]): HostProcess;
}

export function useE2E(opts: { drained?: boolean; killSignal?: NodeJS.Signals } = {}): E2EEnv {
  let model: ScriptedModelServer | undefined;
  const hosts: HostProcess[] = [];
  beforeAll(async () => {
    model = await ScriptedModelServer.start();
  });
  afterAll(async () => {
    await model?.close();
  });
  afterEach(async () => {
    const done = hosts.splice(0);
    for (const h of done) await h.kill(opts.killSignal ?? 'SIGTERM');
    // Every message the host sent must have matched the protocol (see test/support/contract.ts).
    for (const h of done) expect(h.client.violations).toEqual([]);
    // A failed test must not leave scripted steps behind for the next one.
    if (opts.drained) expect(model!.pending()).toBe(0);
  });
  return {
    get model() {
      if (!model) throw new Error('the scripted model server starts in beforeAll');
      return model;
    },
    start(o) {
      const h = startHost(o);
      hosts.push(h);
      return h;
    },
  };
}
