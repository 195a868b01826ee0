// One run of a job: an ordinary thread (source `cron`, visible in history and VS Code) with the job's prompt, skills
// and toolsets, under a per-turn policy for unattended work — dangerous commands are refused without asking unless
// the job was created with an explicit allowance, and nobody is asked anything (answerers: none). A per-job timeout
// interrupts the turn. The final reply is delivered through the gateway's outbox (server/cron/delivery.ts).
import type { Host } from '../host';
import type { HermesConfig } from '../config/schema';
import { policyFor, type TurnPolicy } from '../agent/policy';
import { buildSkillInvocationMessage } from '../skills/commands';
import type { SkillView } from '../skills/view';
import type { CronJob, CronStore } from './store';
import type { RunOwner } from './owner';
import type { RunOutcome } from './scheduler';
import { deliver, type DeliveryPort } from './delivery';

export const CRON_SURFACE_ID = 'cron';

/** The policy of a cron run. An allowance (set by a person, see the cronjob tool) runs approval-needing commands
 * without asking when config.yaml leaves approvals to the user; config's `deny` still wins, hard-line commands are
 * refused always. */
export function cronPolicy(config: HermesConfig, job: Pick<CronJob, 'id' | 'name' | 'allowDangerous' | 'toolsets'>): TurnPolicy {
  // Hermes's `approvals.cron_mode: approve` is the same allowance for every job.
  const allowed = job.allowDangerous || (config.approvals as { cron_mode?: unknown }).cron_mode === 'approve';
  job = { ...job, allowDangerous: allowed };
  const base = policyFor(config, { surfaceId: CRON_SURFACE_ID, kind: 'cron', label: `cron job ${job.id} (${job.name})` }, {
    approvalMode: job.allowDangerous ? undefined : 'deny',
    answerers: 'none',
    ...(job.toolsets ? { toolsets: job.toolsets } : {}),
  });
  return job.allowDangerous && base.approvalMode === 'manual' ? { ...base, approvalMode: 'off' } : base;
}

const CRON_HINT =
  '[You are running as a scheduled cron job; nobody is watching this conversation live. Your final reply is delivered ' +
  'automatically to where the job sends its output — do not use send_message for it. Commands that need approval are ' +
  'refused in unattended runs. If there is nothing worth reporting, reply with exactly "[SILENT]" and nothing is delivered.]';

export function buildCronPrompt(
  job: Pick<CronJob, 'id' | 'prompt' | 'skills'>,
  run: { id: number; scheduledAt: number },
  loadSkill: (name: string) => SkillView | undefined,
): string {
  const prompt = `${CRON_HINT}\n[Job ${job.id}, run ${run.id}, firing scheduled for ${new Date(run.scheduledAt).toISOString()}.]\n\n${job.prompt}`;
  if (!job.skills.length) return prompt;
  const parts: string[] = [];
  const missing: string[] = [];
  for (const name of job.skills) {
    const v = loadSkill(name);
    if (!v) missing.push(name);
    else parts.push(buildSkillInvocationMessage({ name: v.name, body: v.body, dir: v.dir, linkedFiles: Object.values(v.linkedFiles).flat(), missingEnv: v.missingEnv }, ''));
  }
  if (missing.length) parts.unshift(`[The job names skill(s) that are not installed: ${missing.join(', ')}. Say so in your reply.]`);
  return `${parts.join('\n\n')}\n\n${prompt}`;
}

export interface RunnerDeps {
  host: Host;
  store: CronStore;
  owner: RunOwner;
  now: () => number;
  delivery: DeliveryPort;
  /** A run row changed. */
  changed: (runId: number) => void;
}

function finalText(host: Host, threadId: string): string {
  const items = host.threads.read(threadId).items;
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i];
    if (it.type === 'agentMessage' && it.text.trim()) return it.text;
  }
  return '';
}

export async function executeJob(d: RunnerDeps, job: CronJob, runId: number): Promise<RunOutcome> {
  const { host, store } = d;
  const config = host.config;
  const thread = host.threads.start({ source: 'cron', title: `cron: ${job.name}` });
  if (!store.markRunning(runId, d.owner, d.now(), thread.id)) return { ok: false, error: 'the run was no longer claimed by this host' };
  d.changed(runId);
  const run = store.run(runId)!;
  const text = buildCronPrompt(job, run, (name) => {
    try {
      return host.skills.view(name) as SkillView;
    } catch {
      return undefined;
    }
  });
  const timeoutS = job.timeoutS ?? config.cron.timeout;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    host.threads.interrupt(thread.id);
  }, timeoutS * 1000);
  let error: string | undefined;
  let output = '';
  try {
    await host.threads.startTurn(thread.id, [{ type: 'text', text }], { policy: cronPolicy(config, job) });
    const turn = await host.threads.waitIdle(thread.id);
    output = finalText(host, thread.id);
    if (timedOut) error = `timed out after ${timeoutS} s (interrupted)`;
    else if (turn && turn.status !== 'completed') error = turn.error?.message ?? `the turn ended ${turn.status}`;
    else if (!output.trim()) error = 'the agent finished without a reply';
  } catch (e) {
    error = (e as Error).message;
  } finally {
    clearTimeout(timer);
  }
  store.finish(runId, { state: error ? 'failed' : 'completed', now: d.now(), error, output: output.slice(0, 20_000) });
  d.changed(runId);
  let deliveryError: string | undefined;
  const message = error ? `⚠️ Cron job '${job.name}' failed:\n${error}` : output;
  try {
    const r = await deliver(d.delivery, job, message, config.cron.delivery_wait_ms, `cron:${job.id}`);
    store.setDelivery(runId, r);
    if (r.state === 'failed' || r.state === 'unknown') {
      host.log.warn(`cron job ${job.id} (${job.name}): output not delivered (${r.state}): ${r.error ?? ''}`);
      deliveryError = `delivery ${r.state}: ${r.error ?? 'unknown error'}`;
    }
  } catch (e) {
    deliveryError = `delivery failed: ${(e as Error).message}`;
    store.setDelivery(runId, { state: 'failed', error: (e as Error).message });
  }
  d.changed(runId);
  return { ok: !error, ...(error ? { error } : {}), ...(deliveryError ? { deliveryError } : {}) };
}
