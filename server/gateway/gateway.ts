// The headless gateway: runs inside the owning host (`hermes-host --gateway`), connects every configured platform
// under a supervisor, records what comes in before acting on it, and sends everything through the outbox.
import type { InboundEnvelope, PlatformAdapter } from './adapter';
import type { HostPort } from './host-port';
import { GatewayStore, type InboundRow } from './store';
import { Outbox, type OutboxRow } from './outbox';
import { HermesApprovals } from './hermes-pairing';
import { CODE_TTL_MS, Pairing } from './pairing';
import { PlatformSupervisor, type PlatformStatus } from './supervisor';
import { Conversations } from './conversation';
import { ChatTurns } from './chat-turns';
import { ChatClarify } from './chat-clarify';
import { ChatApprovals } from './chat-approvals';
import { COMMANDS, commandMenu, parseCommand, typed, type CommandContext } from './commands';
import { accessPolicy, addressed, inScope, isAllowed, type AccessPolicy } from './routing';

const POLICY_TTL_MS = 5000;
import { configuredAdapters } from './platforms';
import { Links, LinkError } from './links';
import { describeAttachments } from './attachments';

export interface GatewayStatus {
  running: boolean;
  platforms: PlatformStatus[];
  outbox: Record<string, number>;
}

export class Gateway {
  readonly store: GatewayStore;
  readonly outbox: Outbox;
  readonly pairing: Pairing;
  readonly links: Links;
  private readonly adapters = new Map<string, PlatformAdapter>();
  private readonly supervisors = new Map<string, PlatformSupervisor>();
  private readonly conversations: Conversations;
  private readonly turns: ChatTurns;
  private readonly approvals: ChatApprovals;
  private readonly clarify: ChatClarify;
  private removeClient: (() => void) | undefined;
  private accepting = true;
  private readonly policies = new Map<string, { at: number; policy: AccessPolicy }>();
  private readonly statusListeners = new Set<(s: PlatformStatus) => void>();
  /** The command menu each platform was last given (JSON), so a reconnect does not send it again. */
  private readonly menus = new Map<string, string>();
  private readonly pairingListeners = new Set<(r: { platform: string; userId: string; userName: string; createdAt: number; expiresAt: number }) => void>();

  constructor(
    private readonly port: HostPort,
    /** Adapters to run instead of the configured ones (tests, other platforms). */
    private readonly given?: PlatformAdapter[],
  ) {
    this.store = new GatewayStore(port.db);
    this.pairing = new Pairing(port.db, undefined, new HermesApprovals(port.hermesHome, port.log.child('pairing')));
    this.links = new Links(port.db);
    this.outbox = new Outbox(port.db, (p) => this.adapters.get(p), port.log.child('outbox'), (row) => this.undelivered(row));
    this.turns = new ChatTurns(port, this.store, this.outbox, (p) => this.adapters.get(p));
    this.conversations = new Conversations(port, this.store, this.turns, this.links);
    this.clarify = new ChatClarify(this.outbox, (p) => this.adapters.get(p), port.log.child('clarify'));
    this.approvals = new ChatApprovals(this.store, this.outbox, (p) => this.adapters.get(p), (t) => this.conversations.chatOf(t), port.log.child('approvals'), this.clarify);
  }

  /** Hears every pairing code handed out (VS Code shows the request to the owner). */
  onPairingRequest(l: (r: { platform: string; userId: string; userName: string; createdAt: number; expiresAt: number }) => void): () => void {
    this.pairingListeners.add(l);
    return () => this.pairingListeners.delete(l);
  }

  onStatus(l: (s: PlatformStatus) => void): () => void {
    this.statusListeners.add(l);
    return () => this.statusListeners.delete(l);
  }

  status(): GatewayStatus {
    return { running: this.accepting, platforms: [...this.supervisors.values()].map((s) => s.current), outbox: this.outbox.counts() };
  }

  async start(): Promise<void> {
    const log = this.port.log;
    const adapters = this.given ?? (await configuredAdapters({ env: this.port.env(), config: this.port.config().gateway, store: this.store, log }));
    for (const a of adapters) this.adapters.set(a.id, a);
    const unknown = this.outbox.recover();
    if (unknown) log.warn(`${unknown} message(s) were being sent when the host stopped; not resent (their delivery is unknown)`);
    this.approvals.abandonOld();
    this.store.pruneInbound();
    this.removeClient = this.port.addClient(this.approvals.peer);
    for (const a of this.adapters.values()) {
      const cursor = this.store.offset(a.id);
      if (cursor !== undefined) a.setCursor(cursor);
      const sup = new PlatformSupervisor(
        a,
        (batch, next) => this.receive(a.id, batch, next),
        (s) => {
          if (s.state === 'ready') void this.onReady(a);
          for (const l of this.statusListeners) l(s);
        },
        log.child(a.id),
      );
      this.supervisors.set(a.id, sup);
      // Messages recorded by a previous process but not answered run first, in their original order.
      for (const row of this.store.pendingInbound(a.id)) this.dispatch(row);
      sup.start();
    }
    this.outbox.start();
    log.info('gateway started', { platforms: [...this.adapters.keys()] });
  }

  private async onReady(a: PlatformAdapter): Promise<void> {
    this.outbox.kick();
    if (!a.capabilities.commandMenu) return;
    const menu = commandMenu(this.port.skillCommands(COMMANDS.map((c) => c.command)));
    // Ready again after a reconnect: the platform still has the menu set before, unless it changed meanwhile.
    const json = JSON.stringify(menu);
    if (this.menus.get(a.id) === json) return;
    await a.setCommands(menu).then(
      () => this.menus.set(a.id, json),
      (e) => this.port.log.warn('could not set the command menu', { platform: a.id, error: e.message }),
    );
  }

  private async receive(platform: string, batch: InboundEnvelope[], next: number): Promise<void> {
    const rows = this.store.recordInbound(platform, batch, next);
    if (!this.accepting) return; // recorded; the next start answers them
    for (const row of rows) this.dispatch(row);
  }

  private reply(e: InboundEnvelope, text: string, tag = 'notice'): void {
    this.outbox.enqueue({ platform: e.platform, chatId: e.chatId, threadId: e.threadId, text, tag });
  }

  /** Routes one recorded event: taps and immediate commands at once, everything else on its conversation's lane. */
  private dispatch(row: InboundRow): void {
    const e = row.envelope;
    const done = (status: 'done' | 'ignored' = 'done') => this.store.markInbound(row.id, status);
    if (e.callback) {
      void this.clarify
        .onTap(e)
        .then((ours) => (ours ? undefined : this.approvals.onTap(e)))
        .finally(() => done());
      return;
    }
    const policy = this.policy(e.platform);
    // Outside the chats the owner named, the bot is not there at all: no answer, no pairing code, no command.
    if (!inScope(policy, e)) return done('ignored');
    if (!isAllowed(policy, e, (u) => this.pairing.isApproved(e.platform, u))) {
      // Unknown users in groups get nothing; in a DM they get a pairing code, unless the owner chose to ignore them.
      if (e.chatType === 'dm' && policy.strangers === 'pair') this.offerPairing(e);
      return done('ignored');
    }
    if (!addressed(e)) return done('ignored');
    const parsed = parseCommand(e.text);
    // The answer to a question the agent is waiting on in this chat, not a new message for the conversation.
    if (!parsed && this.clarify.take(e)) return done();
    const ctx = this.commandContext(row.id);
    if (parsed?.cmd.immediate) {
      void Promise.resolve(parsed.cmd.run(ctx, e, parsed.args)).finally(() => done());
      return;
    }
    // Busy: interrupt the running turn (default) so this message is answered next, steer it (the running turn reads
    // the message before its next model call and answers both), or just queue behind it.
    const running = this.conversations.runningThread(e);
    const mode = this.port.config().gateway.busy_mode;
    if (running && mode === 'steer' && !parsed && !e.attachments?.length && this.port.steer(running, e.text)) return done();
    if (running && mode === 'interrupt') this.port.interrupt(running);
    void this.conversations.enqueue(e, async () => {
      if (parsed) {
        await parsed.cmd.run(ctx, e, parsed.args);
        // A command that ran a turn (/retry) had the row marked with its reply; marking again changes nothing.
        done();
        return;
      }
      const { text, images } = await describeAttachments(e, this.adapters.get(e.platform), this.port, () => this.conversations.thread(e));
      await this.conversations.runTurn(e, row.id, this.skillText(text), images);
    });
  }

  /**
   * Allow lists from the environment and config, re-read at most every few seconds: building the host's
   * environment for every message was measurable under load. (Pairing approvals are checked live.)
   */
  private policy(platform: string): AccessPolicy {
    const hit = this.policies.get(platform);
    if (hit && Date.now() - hit.at < POLICY_TTL_MS) return hit.policy;
    const gw = this.port.config().gateway;
    const own = platform === 'telegram' || platform === 'discord' || platform === 'slack' ? gw[platform] : undefined;
    // Hermes's spellings of these (top level, per-platform blocks, dm_policy) are mapped in config/gateway-compat.ts.
    const policy = accessPolicy(platform, this.port.env(), {
      allow_all_users: gw.allow_all_users,
      allowed: own?.allowed_users,
      dm_behavior: own?.unauthorized_dm_behavior,
      global_dm_behavior: gw.unauthorized_dm_behavior,
      allowed_chats: own?.allowed_chats,
      ignored_chats: own?.ignored_chats,
    });
    this.policies.set(platform, { at: Date.now(), policy });
    return policy;
  }

  /** Telegram command names cannot hold '-': `/code_review` means the skill `/code-review`. */
  private skillText(text: string): string {
    const m = /^\/([a-z0-9_]+)(?=\s|$)/i.exec(text);
    if (!m || !m[1].includes('_')) return text;
    const dashed = m[1].replace(/_/g, '-');
    return this.port.skillCommands([]).some((s) => s.command === dashed) ? `/${dashed}${text.slice(m[0].length)}` : text;
  }

  private offerPairing(e: InboundEnvelope): void {
    const r = this.pairing.request(e.platform, { id: e.userId, name: e.userName, chatId: e.chatId });
    if (r.kind === 'code') {
      this.reply(e, `Hi! I don't know you yet. Your pairing code is ${r.code} (valid for one hour).\nAsk the owner of this bot to run:\nhermes-host pairing approve ${e.platform} ${r.code}\n(or approve it in VS Code: Hermes: Pairing Requests…)`, 'pairing');
      const request = { platform: e.platform, userId: e.userId, userName: e.userName, createdAt: r.expiresAt - CODE_TTL_MS, expiresAt: r.expiresAt };
      for (const l of this.pairingListeners) l(request);
    }
    else if (r.kind === 'tooMany') this.reply(e, 'Too many pairing requests are waiting right now; please try again later.', 'pairing');
    // rateLimited and locked: say nothing, so the bot cannot be made to spam.
  }

  private commandContext(inboundId: number): CommandContext {
    return {
      reply: (e, text) => this.reply(e, text),
      setHome: (e) => this.store.setHome(e.platform, e.chatId, e.threadId),
      approve: (e, d) => this.approvals.command(e, d),
      link: (e, code) => this.link(e, code),
      platforms: () => `Platforms: ${this.status().platforms.map((p) => `${p.platform}: ${p.state}`).join(', ')}`,
      skillMenu: () => this.port.skillCommands(COMMANDS.map((c) => c.command)),
      typed: (e, command) => typed(this.adapters.get(e.platform), command),
      hostCommand: (e, text) => this.conversations.hostCommand(e, text, inboundId),
    };
  }

  /** `/link`: in a DM only (a code shown in a group could be read and used by anyone there). */
  private link(e: InboundEnvelope, code: string): string {
    if (e.chatType !== 'dm') return `Send ${typed(this.adapters.get(e.platform), 'link')} to me in a direct message.`;
    const me = { platform: e.platform, userId: e.userId };
    if (!code.trim()) {
      const { code: c } = this.links.issue(me);
      // Platforms where commands are typed differently (Slack: `/hermes link CODE`) are named with their form.
      const others = [...this.adapters.values()].filter((a) => a.id !== e.platform && a.capabilities.commandPrefix).map((a) => `on ${a.id}: ${typed(a, 'link')} ${c}`);
      return `Your link code is ${c} (valid for 10 minutes). On your other platform, send me: /link ${c}${others.length ? ` (${others.join('; ')})` : ''}\nYour direct messages there will then continue this conversation.`;
    }
    try {
      const { person, issuer } = this.links.redeem(code, me);
      this.conversations.adoptLinked(person, e, issuer);
      return `🔗 Linked with your ${issuer.platform} account: this chat now continues the same conversation.`;
    } catch (err) {
      if (err instanceof LinkError) return err.message;
      throw err;
    }
  }

  /**
   * The platform's home channel: set with /sethome, or (for an existing Hermes setup) `<PLATFORM>_HOME_CHANNEL`
   * and `<PLATFORM>_HOME_CHANNEL_THREAD_ID` from the environment / .env.
   */
  home(platform: string): { chatId: string; topicId?: string } | undefined {
    const set = this.store.home(platform);
    if (set) return set;
    const env = this.port.env();
    const P = platform.toUpperCase();
    const chatId = env[`${P}_HOME_CHANNEL`]?.trim();
    const topicId = env[`${P}_HOME_CHANNEL_THREAD_ID`]?.trim();
    return chatId ? { chatId, ...(topicId ? { topicId } : {}) } : undefined;
  }

  /** Where the send_message tool can deliver: home channels and chats the gateway has talked to. */
  targets(): { platform: string; chatId: string; topicId?: string; home: boolean }[] {
    const out = new Map<string, { platform: string; chatId: string; topicId?: string; home: boolean }>();
    for (const p of this.adapters.keys()) {
      const h = this.home(p);
      if (h) out.set(`${p}:${h.chatId}`, { platform: p, ...h, home: true });
    }
    for (const s of this.store.sessions()) if (!out.has(`${s.platform}:${s.chatId}`)) out.set(`${s.platform}:${s.chatId}`, { platform: s.platform, chatId: s.chatId, home: false });
    return [...out.values()].filter((t) => this.adapters.has(t.platform));
  }

  /** The chat a thread's current turn came from (replies there need no approval). */
  chatOfThread(threadId: string): { platform: string; chatId: string } | undefined {
    return this.conversations.chatOf(threadId);
  }

  /** Sends through the outbox and waits for the outcome (or the timeout: then it is still queued). */
  async sendMessage(t: { platform: string; chatId?: string; topicId?: string; text: string }, timeoutMs = 30_000): Promise<{ state: string; chatId: string; error?: string }> {
    if (!this.adapters.has(t.platform)) throw new Error(`platform ${t.platform} is not configured (configured: ${[...this.adapters.keys()].join(', ') || 'none'})`);
    const home = this.home(t.platform);
    const chatId = t.chatId ?? home?.chatId;
    if (!chatId) throw new Error(`no home channel for ${t.platform}: run /sethome in the chat that should be home, or give a chat id`);
    const id = this.outbox.enqueue({ platform: t.platform, chatId, threadId: t.topicId ?? (t.chatId ? undefined : home?.topicId), text: t.text, format: true, tag: 'send_message' });
    const row = await Promise.race([this.outbox.wait(id), new Promise<undefined>((r) => setTimeout(r, timeoutMs))]);
    if (!row) return { state: 'pending', chatId };
    return { state: row.state, chatId, ...(row.last_error ? { error: row.last_error } : {}) };
  }

  /** A message could not be delivered: the owner hears of it in the home channel (the log has it already). */
  private undelivered(row: OutboxRow): void {
    if (row.tag === 'undelivered' || row.tag === 'preview') return;
    const home = this.home(row.platform);
    if (!home || home.chatId === row.chat_id) return;
    this.outbox.enqueue({
      platform: row.platform,
      chatId: home.chatId,
      threadId: home.topicId,
      text: `⚠️ A message to chat ${row.chat_id} was not delivered (${row.state}): ${row.last_error ?? 'unknown error'}`,
      tag: 'undelivered',
    });
  }

  /**
   * Graceful stop: no new messages are taken (polling stops; anything recorded meanwhile is answered after the
   * next start), running turns get until the deadline to finish, then are interrupted; the outbox is flushed.
   */
  async stop(drainMs = this.port.config().gateway.drain_timeout * 1000): Promise<void> {
    this.accepting = false;
    const deadline = Date.now() + drainMs;
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
    if (!(await this.conversations.idle(deadline))) {
      this.conversations.interruptAll();
      await this.conversations.idle(Date.now() + 5000);
    }
    await this.outbox.flush(Math.max(deadline, Date.now() + 1000));
    await this.outbox.stop();
    this.removeClient?.();
  }
}
