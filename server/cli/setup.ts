// `hermes-host setup`: the first-run wizard. Provider → its key (stored in HERMES_HOME/.env, mode 0600) → a model
// picked from the endpoint's own /models list → where commands run → optional chat-platform tokens → doctor.
// Every answer can also come from a flag; with --non-interactive a missing answer is an error that says which flag.
import { listEndpointModels } from '../agent/model-client';
import { homePaths, ensureHome } from '../config/home';
import { loadDotEnv, setDotEnvValue } from '../config/env';
import { loadConfig, setConfigValue } from '../config/load';
import { normalizeProvider, PROVIDERS, supportedProviderNames } from '../config/providers';
import { currentOwner } from '../owner/lock';
import { createLogger } from '../util/log';
import { noModelMessage } from './model-offer';
import { checkLine, doctorHome } from './doctor';
import type { Prompter } from './prompt';

export interface SetupFlags {
  provider?: string;
  baseUrl?: string;
  apiKey?: string;
  apiKeyEnv?: string;
  model?: string;
  backend?: string;
  sshHost?: string;
  sshUser?: string;
  telegramToken?: string;
  discordToken?: string;
  slackBotToken?: string;
  slackAppToken?: string;
  /** Skip the doctor run at the end. */
  skipDoctor?: boolean;
}

export class SetupError extends Error {}

/** The providers the wizard lists first; any other name Hermes knows can be typed. */
const MENU: { value: string; label: string }[] = [
  { value: 'openrouter', label: 'OpenRouter (many models, one key)' },
  { value: 'openai', label: 'OpenAI' },
  { value: 'anthropic', label: 'Anthropic' },
  { value: 'gemini', label: 'Google Gemini' },
  { value: 'deepseek', label: 'DeepSeek' },
  { value: 'xai', label: 'xAI' },
  { value: 'nous', label: 'Nous Portal' },
  { value: 'ollama', label: 'Ollama (local)' },
  { value: 'lmstudio', label: 'LM Studio (local)' },
  { value: 'vllm', label: 'vLLM (local)' },
  { value: 'llamacpp', label: 'llama.cpp server (local)' },
  { value: 'custom', label: 'Another OpenAI-compatible endpoint (you give the URL)' },
  { value: 'other', label: 'Another provider, by name' },
];

const BACKENDS = [
  { value: 'local', label: 'local — this machine, inside a bubblewrap sandbox' },
  { value: 'docker', label: 'docker — a hardened container per conversation' },
  { value: 'ssh', label: 'ssh — a remote machine' },
];

/** The variable a custom endpoint's key is stored under unless --api-key-env names another. */
const CUSTOM_KEY_VAR = 'OPENAI_API_KEY';

export async function runSetup(hermesHome: string, flags: SetupFlags, io: Prompter | null, out: (line: string) => void): Promise<number> {
  ensureHome(hermesHome);
  const paths = homePaths(hermesHome);
  const set = (key: string, value: string) => {
    // setConfigValue reads a string as YAML (so `config set x 60` is a number); quoted, a model id like `1.5` or an
    // empty value stays the string it is.
    const r = setConfigValue(paths.config, key, JSON.stringify(value));
    for (const w of r.warnings) out(`warning: ${w}`);
  };
  const need = (flag: string, what: string): never => {
    throw new SetupError(`setup --non-interactive needs ${flag} (${what})`);
  };
  const current = loadConfig(paths.config).config;
  const owner = currentOwner(hermesHome);
  if (owner) out(`A host (pid ${owner.pid}) owns ${hermesHome}; it reloads config.yaml and .env as setup writes them.`);

  // 1. Provider.
  let provider = flags.provider?.trim().toLowerCase();
  if (!provider) {
    if (!io) need('--provider', `one of ${supportedProviderNames().join(', ')}`);
    const known = MENU.some((m) => m.value === current.model.provider) ? current.model.provider : undefined;
    provider = await io!.choose('Which model provider?', MENU, known);
    if (provider === 'other') provider = (await io!.text(`Provider name (${supportedProviderNames().join(', ')})`)).toLowerCase();
  }
  const norm = normalizeProvider(provider);
  if (!norm || norm.provider === 'auto') throw new SetupError(`unknown provider "${provider}": use one of ${supportedProviderNames().join(', ')}`);
  const info = PROVIDERS[norm.provider];
  if (info.unsupported) throw new SetupError(`provider "${provider}" ${info.unsupported}; choose another`);
  const custom = norm.provider === 'custom';

  // 2. Endpoint address: asked for custom endpoints and local servers; a named provider has its own.
  let baseURL = flags.baseUrl?.trim() ?? '';
  if (!baseURL && custom) {
    const def = norm.aliasBaseURL ?? (current.model.base_url || undefined);
    if (io) baseURL = await io.text('Base URL of the OpenAI-compatible endpoint (ends in /v1 as a rule)', def);
    else if (def) baseURL = def;
    else need('--base-url', 'the endpoint, e.g. http://127.0.0.1:8000/v1');
  }
  if (baseURL && !/^https?:\/\/[^\s]+$/i.test(baseURL)) throw new SetupError(`--base-url "${baseURL}" is not an http(s) URL`);
  set('model.provider', provider);
  set('model.base_url', baseURL);

  // 3. The key, into .env (0600), under the provider's variable.
  const keyVar = flags.apiKeyEnv?.trim() || info.keyVars[0] || CUSTOM_KEY_VAR;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyVar)) throw new SetupError(`--api-key-env "${keyVar}" is not a variable name`);
  const dotEnv = loadDotEnv(paths.env);
  const existing = dotEnv[keyVar] || process.env[keyVar] || '';
  const keyless = custom || !!info.keyless;
  let key = flags.apiKey?.trim() || '';
  if (!key && io) {
    const note = existing ? 'Enter keeps the one already set' : keyless ? 'Enter for none' : 'input hidden';
    for (;;) {
      key = await io.secret(`API key for ${provider}, stored as ${keyVar} in ${paths.env} (${note})`);
      if (key || existing || keyless) break;
      io.say(`  ${provider} needs a key.`);
    }
  }
  if (!key && !existing && !keyless && !io) need('--api-key or the variable named by --api-key-env', `the key for ${provider}`);
  if (!key && existing && !dotEnv[keyVar]) key = existing; // from the environment: keep it where the host will find it
  if (key) {
    setDotEnvValue(paths.env, keyVar, key);
    out(`${keyVar} saved in ${paths.env} (mode 0600)`);
  }
  // A named provider finds its own variable; a custom endpoint (or another variable) is pointed at explicitly.
  const pointAtKey = (custom && (key || existing)) || (!!flags.apiKeyEnv && keyVar !== info.keyVars[0]);
  set('model.api_key_env', pointAtKey ? keyVar : '');

  // 4. The model, from the endpoint's own list.
  const config = loadConfig(paths.config).config;
  const env = { ...process.env, ...loadDotEnv(paths.env) };
  let models: string[] = [];
  let listError = '';
  try {
    const r = await listEndpointModels(config, env, createLogger({ stderr: false, level: 'error' }));
    models = r.models.map((m) => m.id).sort();
    out(`${r.endpoint.baseURL} lists ${models.length} model(s)`);
  } catch (e) {
    listError = (e as Error).message;
    out(`could not list the endpoint's models: ${listError}`);
  }
  let model = flags.model?.trim() || '';
  if (!model) {
    if (!io) throw new SetupError(`setup --non-interactive needs --model: ${models.length ? noModelMessage(models).split('\n')[0].replace(/^no model configured\. /, '') : listError || 'the endpoint lists no models'}`);
    if (models.length) {
      const shown = models.slice(0, 30);
      const pick = await io.choose(
        'Which model?',
        [...shown.map((m) => ({ value: m, label: m })), { value: '', label: models.length > shown.length ? `another (${models.length - shown.length} more; type its id)` : 'another (type its id)' }],
        current.model.default && models.includes(current.model.default) ? current.model.default : undefined,
      );
      model = pick || (await io.text('Model id'));
    } else model = await io.text('Model id', current.model.default || undefined);
    if (!model) throw new SetupError('no model chosen');
  } else if (models.length && !models.includes(model)) out(`warning: ${model} is not in the endpoint's list`);
  set('model.default', model);

  // 5. Where commands run.
  let backend = flags.backend?.trim();
  if (!backend && io) backend = await io.choose('Where should the agent run commands?', BACKENDS, current.terminal.backend);
  if (backend) {
    if (!BACKENDS.some((b) => b.value === backend)) throw new SetupError(`--backend "${backend}" must be local, docker or ssh`);
    set('terminal.backend', backend);
    if (backend === 'ssh') {
      const host = flags.sshHost ?? (io ? await io.text('SSH host', current.terminal.ssh_host || undefined) : current.terminal.ssh_host || need('--ssh-host', 'the machine to run commands on'));
      const user = flags.sshUser ?? (io ? await io.text('SSH user', current.terminal.ssh_user || undefined) : current.terminal.ssh_user);
      set('terminal.ssh_host', host);
      if (user) set('terminal.ssh_user', user);
    }
  }

  // 6. Chat platforms (optional): tokens go to .env under the names Hermes uses.
  const tokens: [string, string | undefined, string][] = [
    ['TELEGRAM_BOT_TOKEN', flags.telegramToken, 'Telegram bot token (from @BotFather)'],
    ['DISCORD_BOT_TOKEN', flags.discordToken, 'Discord bot token'],
    ['SLACK_BOT_TOKEN', flags.slackBotToken, 'Slack bot token (xoxb-…)'],
    ['SLACK_APP_TOKEN', flags.slackAppToken, 'Slack app-level token (xapp-…)'],
  ];
  const askTokens = io ? await io.yes('Connect a chat platform for the gateway (Telegram, Discord, Slack)?', false) : false;
  for (const [name, given, label] of tokens) {
    let value = given?.trim() ?? '';
    if (!value && askTokens && io) value = await io.secret(`${label} (Enter to skip)`);
    if (value) {
      setDotEnvValue(paths.env, name, value);
      out(`${name} saved in ${paths.env}`);
    }
  }

  out(`Saved ${paths.config}.`);
  if (flags.skipDoctor) return 0;
  // 7. Doctor: the same checks as `hermes-host doctor`.
  const res = await doctorHome(hermesHome);
  for (const c of res.checks) out(checkLine(c));
  out(res.ok ? 'Ready: run `hermes-host chat`.' : 'Setup saved, but doctor found problems (✗ above).');
  return res.ok ? 0 : 1;
}
