// End to end in a real VS Code: code-server 1.139 in Chromium. The packaged .vsix is installed with code-server's
// installer, the extension starts the bundled host with the system Node against a scripted model server, and the
// test drives the workbench like a user: open the chat, send a prompt, answer approval dialogs, run a skill.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCodeServer, installExtension, startCodeServer, type RunningCodeServer } from '../support/code-server';
import { ScriptedModelServer } from '../support/model-server';
import { HOST_ENTRY, runCli, tempHome, writeTestConfig } from '../support/host-process';
import { FakeTelegram } from '../support/fake-telegram';
import { answerInputBox, findFrame, modalDialog, pickQuickItem, runCommand, until, waitForStatusItem, waitForWorkbench } from './workbench';

const ROOT = resolve(__dirname, '../..');
const ARTIFACTS = join(ROOT, 'test-results', 'e2e-vscode');
const SETUP_MS = 20 * 60_000; // first run installs code-server, Node 24 and Debian packages
const STEP_MS = 120_000;
/** A status bar entry's element id is `<publisher>.<extension name>.<item id>`. */
const STATUS_ID = 'hermes-host.hermes-host.hermes.status';

let server: RunningCodeServer | undefined;
let browser: Browser | undefined;
let page: Page;
let chat: Frame;
let model: ScriptedModelServer;
let work: string;
let workspace: string;
let home: string;
let userDataDir: string;
let gateway: ChildProcess | undefined;
let profileHost: ChildProcess | undefined;
let tg: FakeTelegram | undefined;
const baseSettings = () => ({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  // VS Code's own chat would take the secondary side bar and the focus.
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
});

/**
 * Rewrites the settings; the running workbench picks the change up like an edit in the settings editor. The
 * Hermes connection settings are machine-scoped (a workspace cannot point them elsewhere), and in code-server, a
 * remote window, machine settings live in the server's Machine/settings.json.
 */
function writeSettings(user: Record<string, unknown> = {}, machine: Record<string, unknown> = {}): void {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...baseSettings(), ...user }, null, 2));
  writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify({ 'hermes.hermesHome': home, ...machine }, null, 2));
}

const userMessage = (text: string) => (b: { messages: { role: string; content: unknown }[] }) =>
  b.messages.some((m) => m.role === 'user' && JSON.stringify(m.content).includes(text));

async function send(text: string): Promise<void> {
  const box = chat.locator('textarea[aria-label="Message"]');
  await box.waitFor({ state: 'visible', timeout: 30_000 });
  await until('the composer to be idle', async () => (await chat.locator('button.send').count()) > 0, 30_000);
  const sentBefore = await chat.locator('article.msg.user').count();
  // The view may still be settling (hello, thread load) and re-render the composer: retry until the message is in.
  for (let attempt = 1; ; attempt++) {
    await box.fill(text);
    await chat.locator('button.send:not([disabled])').click({ timeout: 10_000 });
    try {
      await until('the message to appear in the chat', async () => (await chat.locator('article.msg.user').count()) > sentBefore, 5_000);
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

async function agentText(): Promise<string[]> {
  return chat.locator('article.msg.agent').allInnerTexts();
}

/** The Hermes host the extension spawned (a child in code-server's process group running the installed bundle). */
async function hostPid(): Promise<number> {
  const ps = execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' });
  const pids = ps
    .split('\n')
    .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => !!m && Number(m[2]) === server!.proc.pid && m[3].includes('hermes-host.hermes-host-') && m[3].includes('dist/server/main.js'))
    .map((m) => Number(m[1]));
  if (pids.length !== 1) throw new Error(`expected one host process, found ${pids.length}`);
  return pids[0];
}

/** The extension's output channel ("Hermes"), as VS Code writes it to the user-data logs. */
function hermesOutput(): string {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Hermes\.log$/.test(e.name)) found.push(p);
    }
  };
  try {
    walk(join(userDataDir, 'logs'));
  } catch {}
  return found.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** What the user sees, for failure messages: notifications and the end of the chat. */
async function whatTheUserSees(): Promise<string> {
  const notes = await page.locator('.notification-list-item-message').allInnerTexts().catch(() => []);
  const chatText = chat ? (await chat.locator('body').innerText().catch(() => '')).slice(-800) : '';
  return `notifications: ${JSON.stringify(notes)}; chat ends with: ${JSON.stringify(chatText)}\nHermes output ends with:\n${hermesOutput().slice(-1500)}`;
}

/** Runs a step; when it fails, the error says what was on screen. */
async function explained<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    await screenshot(what.replace(/\W+/g, '-'));
    throw new Error(`${what}: ${(e as Error).message.split('\n')[0]}\n${await whatTheUserSees()}`);
  }
}

async function screenshot(name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) }).catch(() => {});
}

beforeAll(async () => {
  const cs = ensureCodeServer();
  work = mkdtempSync(join(tmpdir(), 'hermes-e2e-vscode-'));
  const vsix = join(work, 'hermes.vsix');
  execFileSync(process.execPath, [join(ROOT, 'extension/build/package-vsix.mjs'), '--out', vsix, '--stage', join(work, 'stage')], { cwd: ROOT, stdio: 'pipe' });

  model = await ScriptedModelServer.start();
  home = tempHome('hermes-e2e-home-');
  writeTestConfig(home, model.baseURL);
  // A skill of our own, so the test does not depend on which skills are bundled.
  mkdirSync(join(home, 'skills', 'testing', 'e2e-greet'), { recursive: true });
  writeFileSync(
    join(home, 'skills', 'testing', 'e2e-greet', 'SKILL.md'),
    '---\nname: e2e-greet\ndescription: Greets someone by name, for the VS Code end-to-end test.\n---\n\n# Greet\n\nSay hello to the person named in the arguments. Marker: GREET-SKILL-BODY.\n',
  );

  workspace = join(work, 'workspace');
  mkdirSync(join(workspace, 'build'), { recursive: true });
  mkdirSync(join(workspace, 'keep'), { recursive: true });
  writeFileSync(join(workspace, 'build', 'out.txt'), 'built\n');
  writeFileSync(join(workspace, 'keep', 'data.txt'), 'precious\n');
  writeFileSync(join(workspace, 'AGENTS.md'), '# AGENTS.md\n\nThis is the end-to-end test workspace.\n'); // activates the extension

  userDataDir = join(work, 'user-data');
  const extensionsDir = join(work, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeSettings();
  installExtension(cs, vsix, extensionsDir, userDataDir);
  const installed = readdirSync(extensionsDir).filter((d) => d.startsWith('hermes-host.hermes-host-'));
  if (installed.length !== 1) throw new Error(`the .vsix did not install: ${readdirSync(extensionsDir).join(', ')}`);

  server = await startCodeServer(cs, {
    workspace,
    userDataDir,
    extensionsDir,
    configDir: join(work, 'config'),
    // No HERMES_HOME here: the host finds its home through the hermes.hermesHome setting.
    env: { TEST_MODEL_KEY: 'sk-test-key-for-the-scripted-model' },
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
  await waitForWorkbench(page);
  // AGENTS.md in the workspace activates the extension; its status item shows it is up.
  await waitForStatusItem(page, STATUS_ID);
}, SETUP_MS);

afterAll(async () => {
  gateway?.kill();
  profileHost?.kill();
  await tg?.close();
  if (page) await screenshot('final');
  await browser?.close().catch(() => {});
  if (server) {
    await server.stop();
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'code-server.log'), server.output());
  }
  await model?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (home) rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('the packaged extension in code-server', () => {
  it('opens the chat and streams a reply from the host', async () => {
    model.script({ text: 'Hello from the scripted model, streamed in several chunks.', chunkDelayMs: 20, when: userMessage('Say hello') });
    await runCommand(page, 'Hermes: Open Chat');
    chat = await findFrame(page, 'textarea[aria-label="Message"]', 60_000);
    await explained('sending the first prompt', () => send('Say hello'));
    await until('the streamed reply', async () => (await agentText()).some((t) => t.includes('Hello from the scripted model, streamed in several chunks.')), STEP_MS);
    const status = await until('the status bar item', async () => {
      const t = await page.locator(`[id="${STATUS_ID}"]`).innerText().catch(() => '');
      return /test-model/.test(t) && /idle/.test(t) ? t : null;
    });
    expect(status).toMatch(/test-model · idle/);
    await screenshot('reply');
  }, STEP_MS);

  it('lists the workspace AGENTS.md in the Context view', async () => {
    await runCommand(page, 'Hermes: Focus on Context View');
    const row = page.locator('.monaco-list-row', { hasText: 'AGENTS.md' }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await row.innerText()).toMatch(/AGENTS\.md\s*\d+ chars/);
  }, STEP_MS);

  it('restarts a crashed host with one notification per burst, and the chat picks up its thread again', async () => {
    const first = await hostPid();
    process.kill(first, 'SIGKILL');
    // Crash the replacement as soon as it is up: the same failure burst, so no second notification.
    const second = await until('the restarted host', async () => {
      const pid = await hostPid().catch(() => 0);
      return pid && pid !== first ? pid : 0;
    }, STEP_MS);
    process.kill(second, 'SIGKILL');
    const third = await until('the host after the second crash', async () => {
      const pid = await hostPid().catch(() => 0);
      return pid && pid !== second && pid !== first ? pid : 0;
    }, STEP_MS);
    expect(third).toBeGreaterThan(0);
    await until('the status bar back to idle', async () => /test-model · idle/.test(await page.locator(`[id="${STATUS_ID}"]`).innerText()), STEP_MS);
    await runCommand(page, 'Notifications: Show Notifications');
    const crashes = await until('the crash notification', async () => {
      const texts = (await page.locator('.notifications-center .notification-list-item-message').allInnerTexts()).filter((t) => /Hermes host stopped/.test(t));
      return texts.length ? texts : null;
    });
    expect(crashes).toHaveLength(1);
    await page.keyboard.press('Escape');
    // The webview re-read the thread from the new host: the earlier reply is still there, and the chat works.
    await until('the earlier reply after the restart', async () => (await agentText()).some((t) => t.includes('Hello from the scripted model')), STEP_MS);
    model.script({ text: 'Still here after the restart.', when: userMessage('are you back') });
    await send('are you back?');
    await until('a reply from the restarted host', async () => (await agentText()).some((t) => t.includes('Still here after the restart.')), STEP_MS);
  }, STEP_MS * 3);

  it('a dangerous command raises the modal dialog; "Allow once" runs it and its output appears', async () => {
    model.script(
      { toolCalls: [{ name: 'terminal', arguments: { command: 'rm -rf build && echo removed-the-build-folder' } }], when: userMessage('clean the build') },
      { text: 'The build folder is gone.', when: (b) => b.messages.some((m) => m.role === 'tool') },
    );
    await send('clean the build');
    const dialog = await explained('no approval dialog for rm -rf build', () => modalDialog(page, 60_000));
    expect(await dialog.text()).toContain('rm -rf build');
    expect(await dialog.buttons()).toEqual(expect.arrayContaining(['Allow once', 'Allow for this session', 'Always allow', 'Deny']));
    // The same request is a card in the chat while the dialog is open.
    await chat.locator('section.card.request.approval').first().waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot('approval-dialog');
    await dialog.click('Allow once');
    const card = chat.locator('section.card.tool.command', { hasText: 'rm -rf build' }).first();
    // The output block, not the command line (which contains the same words).
    await until('the command output in the chat', async () => (await card.locator('pre.output').innerText().catch(() => '')).includes('removed-the-build-folder'), STEP_MS);
    expect(await card.getAttribute('class')).toContain('status-completed');
    expect(existsSync(join(workspace, 'build'))).toBe(false);
    await until('the final reply', async () => (await agentText()).some((t) => t.includes('The build folder is gone.')), STEP_MS);
  }, STEP_MS * 2);

  it('"Deny" does not run the command', async () => {
    model.script(
      { toolCalls: [{ name: 'terminal', arguments: { command: 'rm -rf keep && echo removed-keep' } }], when: userMessage('remove keep') },
      { text: 'Understood, I left it alone.', when: (b) => b.messages.some((m) => m.role === 'tool') },
    );
    await send('remove keep');
    const dialog = await explained('no approval dialog for rm -rf keep', () => modalDialog(page, 60_000));
    expect(await dialog.text()).toContain('rm -rf keep');
    await dialog.click('Deny');
    await until('the reply after the denial', async () => (await agentText()).some((t) => t.includes('Understood, I left it alone.')), STEP_MS);
    expect(existsSync(join(workspace, 'keep', 'data.txt'))).toBe(true);
    const card = chat.locator('section.card.tool.command', { hasText: 'rm -rf keep' }).first();
    expect(await card.getAttribute('class')).toContain('status-declined');
    expect(await card.locator('pre.output').count()).toBe(0);
  }, STEP_MS * 2);

  it('runs a skill from the command palette', async () => {
    model.script({ text: 'Hello, Ada — greeted by the skill.', when: userMessage('e2e-greet') });
    await runCommand(page, 'Hermes: Run Skill…');
    await explained('the skill is not in the quick pick', () => pickQuickItem(page, 'e2e-greet'));
    await answerInputBox(page, 'Ada');
    await until('the skill reply', async () => (await agentText()).some((t) => t.includes('greeted by the skill')), STEP_MS);
    const req = model.chatRequests().find((r) => userMessage('e2e-greet')(r.body));
    expect(JSON.stringify(req?.body.messages)).toContain('Ada');
  }, STEP_MS);
  // The packaged .vsix carries better-sqlite3 for each supported Node major; the host runs on the user's Node.
  for (const major of [22, 24]) {
    it(`runs the host on the user's Node ${major} (hermes.nodePath)`, async () => {
      const abis = (await import(join(ROOT, 'extension/build/native-abis.mjs'))) as { ensureNodeDist(m: number): { node: string } };
      const node = abis.ensureNodeDist(major).node;
      writeSettings({}, { 'hermes.nodePath': node });
      await runCommand(page, 'Hermes: Restart Host');
      await until(`the host to run on Node ${major}`, async () => {
        try {
          return realpathSync(`/proc/${await hostPid()}/exe`) === realpathSync(node);
        } catch {
          return false;
        }
      }, STEP_MS).catch((e) => {
        throw new Error(`${e.message}\nHermes output: ${hermesOutput().slice(-3000)}`);
      });
      await until('the status bar back to idle', async () => /idle/.test(await page.locator(`[id="${STATUS_ID}"]`).innerText()), STEP_MS);
      model.script({ text: `Answered on Node ${major}.`, when: userMessage(`which node ${major}`) });
      await send(`which node ${major}`);
      await until(`the reply from the host on Node ${major}`, async () => (await agentText()).some((t) => t.includes(`Answered on Node ${major}.`)), STEP_MS);
    }, STEP_MS * 2);
  }

  it('attaches to a running host when hermes.host.attach is set, and writes changed settings to its config.yaml', async () => {
    const sock = join(work, 'gateway.sock');
    // One host owns a HERMES_HOME (the extension's spawned host owns `home`): the always-on host has its own.
    const gwHome = join(work, 'gateway-home');
    mkdirSync(gwHome, { recursive: true });
    writeFileSync(join(gwHome, 'config.yaml'), readFileSync(join(home, 'config.yaml'), 'utf8'));
    gateway = spawn(process.execPath, [HOST_ENTRY, '--listen', sock], {
      env: { ...process.env, HERMES_HOME: gwHome, TEST_MODEL_KEY: 'sk-test-key-for-the-scripted-model' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    gateway.stderr!.on('data', (d) => (log += d));
    await until('the gateway host to listen', async () => existsSync(sock), 30_000);
    writeSettings({}, { 'hermes.host.attach': sock });
    await explained('the extension did not attach', () => until('the extension to attach', async () => /client initialized.*vscode/.test(log), 60_000)).catch((e) => {
      throw new Error(`${e.message}\ngateway log: ${log.slice(-1500)}\nHermes output: ${hermesOutput().slice(-3000)}`);
    });
    await until('the status bar back to idle', async () => /idle/.test(await page.locator(`[id="${STATUS_ID}"]`).innerText()), STEP_MS);
    // The spawned host is gone; the chat now talks to the gateway, which has the same threads.
    await until('the spawned host to exit', async () => (await hostPid().then(() => false, () => true)), 30_000);
    model.script({ text: 'Answered by the gateway host.', when: userMessage('who answers') });
    await send('who answers?');
    await until('the reply through the socket', async () => (await agentText()).some((t) => t.includes('Answered by the gateway host.')), STEP_MS);
    // Change hermes.model the way a user does, in the Settings editor.
    await runCommand(page, 'Preferences: Open User Settings');
    await page.waitForSelector('.settings-editor', { timeout: 30_000 });
    const search = page.locator('.settings-editor .settings-header .suggest-input-container');
    await search.click();
    await page.keyboard.type('hermes.model');
    const modelInput = page.locator('.setting-item-contents[data-key="hermes.model"] input');
    await modelInput.waitFor({ state: 'visible', timeout: 30_000 });
    await modelInput.fill('fallback-model');
    await modelInput.press('Tab');
    await until('config.yaml to take the model', async () => /default: fallback-model/.test(readFileSync(join(gwHome, 'config.yaml'), 'utf8')), 30_000).catch((e) => {
      throw new Error(`${e.message}\nconfig.yaml: ${readFileSync(join(gwHome, 'config.yaml'), 'utf8')}\nHermes output: ${hermesOutput().slice(-2000)}`);
    });
    await until('the status bar to show it', async () => /fallback-model/.test(await page.locator(`[id="${STATUS_ID}"]`).innerText()), 30_000);
  }, STEP_MS * 3);
  it('hermes.profile attaches to the running host of that profile instead of spawning one; its pairing requests are reviewed in VS Code', async () => {
    // `hermes-host --gateway --profile work` owns HERMES_HOME/profiles/work, with Telegram (a fake Bot API) connected.
    tg = await FakeTelegram.start();
    const profileHome = join(home, 'profiles', 'work');
    mkdirSync(profileHome, { recursive: true });
    writeFileSync(join(profileHome, 'config.yaml'), readFileSync(join(home, 'config.yaml'), 'utf8') + 'gateway:\n  telegram:\n    poll_timeout: 1\n');
    profileHost = spawn(process.execPath, [HOST_ENTRY, '--gateway', '--profile', 'work'], {
      env: { ...process.env, HERMES_HOME: home, TEST_MODEL_KEY: 'sk-test-key-for-the-scripted-model', TELEGRAM_BOT_TOKEN: tg.token, TELEGRAM_API_ROOT: tg.apiRoot },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    profileHost.stderr!.on('data', (d) => (log += d));
    await until('the profile host to listen', async () => existsSync(join(profileHome, 'host.sock')), 30_000);
    // The extension's own home plus the profile: it finds that profile's owner and attaches, spawning nothing.
    writeSettings({}, { 'hermes.profile': 'work' });
    await until('the extension to attach to the profile host', async () => /client initialized.*vscode/.test(log), 60_000).catch((e) => {
      throw new Error(`${e.message}\nprofile host log: ${log.slice(-1500)}\nHermes output: ${hermesOutput().slice(-3000)}`);
    });
    await until('no host spawned by the extension', async () => (await hostPid().then(() => false, (e: Error) => /found 0/.test(e.message))), 30_000);
    await until('the status bar back to idle', async () => /idle/.test(await page.locator(`[id="${STATUS_ID}"]`).innerText()), STEP_MS);

    // A stranger writes to the bot: VS Code tells the owner, who approves with the code the bot gave them.
    tg.userSends({ userId: 5005, text: 'hello there' });
    const code = await until('the pairing code', async () => /pairing code is ([A-Z2-9]{8})/.exec(tg!.sentTo(5005).map((m) => m.text).join('\n'))?.[1], 30_000);
    const toast = page.locator('.notification-toast', { hasText: 'User5005 (id 5005) asks to talk to the agent' }).first();
    await explained('no pairing notification', () => toast.waitFor({ state: 'visible', timeout: 60_000 }));
    await toast.locator('.monaco-button', { hasText: 'Review' }).click();
    await explained('the request is not listed', () => pickQuickItem(page, 'User5005'));
    await pickQuickItem(page, 'Approve');
    await answerInputBox(page, code);
    const paired = async () => JSON.parse((await runCli(['pairing', 'list', '--json', '--profile', 'work'], { HERMES_HOME: home })).stdout);
    await until('the user approved', async () => (await paired()).approved.some((a: { userId: string }) => a.userId === '5005'), 30_000);

    // Another request is denied from the command palette; then the approved user is revoked.
    tg.userSends({ userId: 6006, text: 'me too' });
    await until('the second request', async () => (await paired()).pending.some((p: { userId: string }) => p.userId === '6006'), 30_000);
    await runCommand(page, 'Hermes: Pairing Requests…');
    await pickQuickItem(page, 'User6006');
    await pickQuickItem(page, 'Deny');
    await until('the request dropped', async () => !(await paired()).pending.some((p: { userId: string }) => p.userId === '6006'), 30_000);
    await runCommand(page, 'Hermes: Pairing Requests…');
    await pickQuickItem(page, 'User5005');
    await (await modalDialog(page)).click('Revoke');
    await until('the user revoked', async () => !(await paired()).approved.some((a: { userId: string }) => a.userId === '5005'), 30_000);
  }, STEP_MS * 3);
});
