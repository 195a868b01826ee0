// Runs the built chat webview (dist/webview) in Debian's Chromium through playwright-core, served with the same
// HTML and Content-Security-Policy the extension uses. A fake `acquireVsCodeApi` routes the webview's messages to
// this process, which plays the extension: it either bridges them to a real host process (spawned here, backed by
// the scripted model server) or answers from scripted handlers so a test can drive any host message it likes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { ExtensionToWebview, WebviewToExtension } from '../../server/protocol';
import { createNonce, renderWebviewHtml, webviewCsp } from '../../extension/chat/html';
import { HOST_ENTRY, tempHome, writeTestConfig } from './host-process';
import { THEMES, type ThemeName } from '../webview/themes';

export const WEBVIEW_DIST = resolve(__dirname, '../../dist/webview');
export const ARTIFACTS = resolve(__dirname, '../../test-results/webview');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

type Handler = (params: any) => unknown | Promise<unknown>;

export interface HarnessOptions {
  browser: Browser;
  theme?: ThemeName;
  /** Bridge to a real host using this model endpoint (ScriptedModelServer.baseURL). Without it, requests go to `handlers`. */
  modelBaseURL?: string;
  /** Extra config.yaml for the real host. */
  configExtra?: string;
  /** HERMES_HOME for the real host (a new temp dir by default). */
  home?: string;
  /** Scripted answers for host methods (and overrides for `ext/*`). */
  handlers?: Record<string, Handler>;
  /** What `ext/workspaceFiles` searches. */
  workspaceFiles?: string[];
  viewport?: { width: number; height: number };
}

const MIME: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

/** Default scripted answers: a host with one model and no skills. */
const SCRIPTED_DEFAULTS: Record<string, Handler> = {
  'model/list': () => ({ models: [{ id: 'test-model' }, { id: 'other-model' }], default: 'test-model' }),
  'skills/list': () => ({ skills: [], errors: [] }),
};

export class WebviewHarness {
  page!: Page;
  /** Every message the webview posted, in order. */
  readonly fromWebview: WebviewToExtension[] = [];
  /** `ext/*` calls the extension would have handled. */
  readonly extCalls: { method: string; params: any }[] = [];
  /** Host notifications seen (real host). */
  readonly notifications: { method: string; params: any }[] = [];
  /** The thread the webview shows, tracked from its requests as the extension does; sent in `hello`. */
  threadId: string | null = null;
  hermesHome = '/tmp/hermes-home';
  private server!: Server;
  private origin = '';
  private host?: { proc: ChildProcess; conn: MessageConnection; stderr: () => string };
  private readonly serverRequests = new Map<string, { method: string; params: any; answer: (r: unknown) => void }>();
  private waiters: { pred: () => boolean; resolve: () => void }[] = [];
  private outQueue: Promise<unknown> = Promise.resolve();
  private readonly handlers: Record<string, Handler>;

  private constructor(readonly opts: HarnessOptions) {
    this.handlers = { ...SCRIPTED_DEFAULTS, ...opts.handlers };
  }

  static async open(opts: HarnessOptions): Promise<WebviewHarness> {
    const h = new WebviewHarness(opts);
    if (opts.modelBaseURL) await h.startHost(opts.modelBaseURL);
    await h.serve();
    await h.openPage();
    return h;
  }

  get theme(): ThemeName {
    return this.opts.theme ?? 'dark';
  }

  // ---- the page -------------------------------------------------------------------------------------------------

  private async serve(): Promise<void> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const nonce = createNonce();
      const csp = webviewCsp({ cspSource: this.origin, nonce });
      if (url.pathname === '/' || url.pathname === '/index.html') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': 'no-store' });
        res.end(renderWebviewHtml({ scriptUri: `${this.origin}/main.js`, styleUri: `${this.origin}/index.css`, cspSource: this.origin, nonce }));
        return;
      }
      const name = url.pathname.slice(1);
      if (!/^[\w.-]+$/.test(name)) return void res.writeHead(404).end();
      try {
        const body = readFileSync(join(WEBVIEW_DIST, name));
        res.writeHead(200, { 'content-type': MIME[extname(name)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async openPage(): Promise<void> {
    const context = await this.opts.browser.newContext({ viewport: this.opts.viewport ?? { width: 480, height: 800 }, colorScheme: this.theme === 'light' ? 'light' : 'dark' });
    this.page = await context.newPage();
    await this.page.exposeFunction('__hermesPost', (msg: WebviewToExtension) => void this.fromPage(msg));
    await this.page.addInitScript(fakeVsCodeApi, { vars: THEMES[this.theme].vars, kind: THEMES[this.theme].kind });
    await this.page.goto(this.origin + '/');
  }

  /** Replaces the page with one that has no saved UI state, as a newly opened editor panel. */
  async freshPage(): Promise<void> {
    await this.page.context().close();
    await this.openPage();
  }

  /** Reloads the webview as VS Code does when a hidden view is shown again (its saved UI state survives). */
  async reload(): Promise<void> {
    await this.page.reload();
  }

  /** Delivers a message as `webview.postMessage` would, in order. */
  post(msg: ExtensionToWebview): Promise<void> {
    const page = this.page;
    const next = this.outQueue.then(async () => {
      // A message for a page that was replaced meanwhile (freshPage) has nowhere to go, as in VS Code.
      if (page.isClosed()) return;
      await page.evaluate((m) => window.dispatchEvent(new MessageEvent('message', { data: m })), msg as any).catch((e) => {
        if (!page.isClosed()) throw e;
      });
    });
    this.outQueue = next.catch(() => {});
    return next;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.post({ type: 'notification', method, params });
  }

  /** Scripted host→client request; resolves with the webview's answer. */
  serverRequest(method: string, params: { requestId: string } & Record<string, unknown>): Promise<unknown> {
    return new Promise((resolve) => {
      this.serverRequests.set(params.requestId, { method, params, answer: resolve });
      void this.post({ type: 'serverRequest', method, params });
    });
  }

  /** Answers a pending host request from "the extension" (the VS Code dialog), as a real one would race the card. */
  answerFromExtension(requestId: string, result: unknown): void {
    const r = this.serverRequests.get(requestId);
    if (!r) throw new Error(`no pending request ${requestId}`);
    this.serverRequests.delete(requestId);
    r.answer(result);
  }

  private async fromPage(msg: WebviewToExtension): Promise<void> {
    this.fromWebview.push(msg);
    this.wake();
    if (msg.type === 'ready') {
      await this.post({ type: 'hello', connected: true, hermesHome: this.hermesHome, workspaceRoot: '/work/space', threadId: this.threadId });
      // Requests still waiting for an answer are shown again in a reloaded webview.
      for (const r of this.serverRequests.values()) await this.post({ type: 'serverRequest', method: r.method, params: r.params });
    } else if (msg.type === 'answer') {
      const r = this.serverRequests.get(msg.requestId);
      if (r) {
        this.serverRequests.delete(msg.requestId);
        r.answer(msg.result);
      }
    } else if (msg.type === 'request') {
      await this.answerRequest(msg.id, msg.method, msg.params);
    }
  }

  private async answerRequest(id: number, method: string, params: any): Promise<void> {
    try {
      let result: unknown;
      if (method.startsWith('ext/') && !this.handlers[method]) result = this.ext(method, params);
      else if (this.host && !this.handlers[method]) result = await this.host.conn.sendRequest(method, params);
      else if (this.handlers[method]) result = await this.handlers[method](params);
      else throw Object.assign(new Error(`no scripted answer for ${method}`), { data: { kind: 'MethodNotFound' }, code: -32601 });
      this.track(method, params, result);
      await this.post({ type: 'response', id, result });
    } catch (e) {
      const err = e as { message: string; code?: number; data?: { kind?: string } };
      await this.post({ type: 'response', id, error: { message: err.message, code: err.code, kind: err.data?.kind } });
    }
  }

  private ext(method: string, params: any): unknown {
    this.extCalls.push({ method, params });
    this.wake();
    if (method === 'ext/workspaceFiles') {
      const q = String(params.query ?? '').toLowerCase();
      return { files: (this.opts.workspaceFiles ?? []).filter((f) => f.toLowerCase().includes(q)).slice(0, params.limit ?? 50) };
    }
    return {};
  }

  /** What the extension remembers so a re-shown or new view can be told which thread to show. */
  private track(method: string, params: any, result: any): void {
    if (method === 'thread/start' || method === 'thread/resume') this.threadId = result.thread.id;
    else if (method === 'thread/read' || method === 'turn/start') this.threadId = params.threadId;
    else if (method === 'thread/delete' && params.threadId === this.threadId) this.threadId = null;
  }

  // ---- the real host --------------------------------------------------------------------------------------------

  private async startHost(baseURL: string): Promise<void> {
    const home = this.opts.home ?? tempHome('hermes-webview-');
    this.hermesHome = home;
    if (!this.opts.home) writeTestConfig(home, baseURL, this.opts.configExtra ?? '');
    const proc = spawn(process.execPath, [HOST_ENTRY, '--stdio'], {
      env: { ...process.env, HERMES_HOME: home, TEST_MODEL_KEY: 'sk-test-key-for-the-scripted-model' },
      cwd: home,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    proc.stderr!.on('data', (d) => (err += d));
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    conn.onNotification((method, params) => {
      this.notifications.push({ method, params });
      this.wake();
      if (method === 'thread/deleted' && (params as any).threadId === this.threadId) this.threadId = null;
      if (method === 'serverRequest/resolved') this.serverRequests.delete((params as any).requestId);
      void this.notify(method, params);
    });
    conn.onRequest((method, params: any) => this.serverRequest(method, params));
    conn.listen();
    this.host = { proc, conn, stderr: () => err };
    await conn.sendRequest('initialize', {
      clientInfo: { name: 'vscode' },
      hermesCapabilities: { approvals: true, clarify: true, secrets: true },
      workspaceFolders: [home],
    });
    await conn.sendNotification('initialized', {});
  }

  /** A request straight to the real host (test setup and checks), bypassing the webview. */
  hostRequest<T = any>(method: string, params: unknown): Promise<T> {
    if (!this.host) throw new Error('no real host in this harness');
    return this.host.conn.sendRequest(method, params) as Promise<T>;
  }

  hostStderr(): string {
    return this.host?.stderr() ?? '';
  }

  // ---- waiting and evidence -------------------------------------------------------------------------------------

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred()) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once `pred` holds for the recorded messages (checked on every message). */
  until(pred: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({ pred, resolve: () => (clearTimeout(t), resolve()) });
    });
  }

  requestsSent(method: string): any[] {
    return this.fromWebview.filter((m) => m.type === 'request' && m.method === method).map((m) => (m as { params: unknown }).params);
  }

  waitForNotification(method: string, pred: (p: any) => boolean = () => true, timeoutMs?: number): Promise<void> {
    return this.until(() => this.notifications.some((n) => n.method === method && pred(n.params)), method, timeoutMs);
  }

  /** CSP violations the page reported (collected from `securitypolicyviolation` events). */
  cspViolations(): Promise<{ directive: string; blocked: string; sample: string; where: string }[]> {
    return this.page.evaluate(() => (window as any).__cspViolations);
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, `${name}-${this.theme}.png`);
    await this.page.screenshot({ path, fullPage: false });
    return path;
  }

  async close(): Promise<void> {
    await this.page?.context().close().catch(() => {});
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
    if (this.host) {
      this.host.conn.dispose();
      const exited = new Promise<void>((r) => (this.host!.proc.exitCode !== null ? r() : this.host!.proc.once('exit', () => r())));
      this.host.proc.kill('SIGTERM');
      await exited;
    }
  }
}

/** Runs in the page before any of its scripts (injected over CDP, so the CSP does not apply to it). */
function fakeVsCodeApi(theme: { vars: Record<string, string>; kind: string }): void {
  const w = window as any;
  w.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    w.__cspViolations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, where: `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}` });
  });
  let acquired = false;
  const KEY = '__hermesWebviewState';
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (m: unknown) => w.__hermesPost(JSON.parse(JSON.stringify(m))),
      getState: () => {
        const s = sessionStorage.getItem(KEY);
        return s ? JSON.parse(s) : undefined;
      },
      setState: (s: unknown) => {
        sessionStorage.setItem(KEY, JSON.stringify(s));
        return s;
      },
    });
  };
  // VS Code puts the theme's colours on <html> as custom properties and the theme kind on <body>.
  const apply = () => {
    for (const [k, v] of Object.entries(theme.vars)) document.documentElement.style.setProperty(k, v);
    document.body.classList.add(theme.kind);
    document.body.dataset.vscodeThemeKind = theme.kind;
  };
  if (document.body) apply();
  else document.addEventListener('DOMContentLoaded', apply, { once: true });
}
