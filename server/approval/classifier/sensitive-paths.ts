// Which writes are sensitive, shared by the command rules (redirects, tee, cp, sed -i, …) and by the file
// tools (write_file/patch through classifyPath). One table, so a path that asks from the terminal also asks
// from write_file.
import { APPROVE, BLOCK } from './keys';
import { isUnder, normalizeRel, resolvePath } from './paths';
import type { Ctx } from './types';

export interface SensitiveHit {
  key: string;
  what: string;
}

const BLOCK_DEVICE = /^\/dev\/(?:sd[a-z]|nvme\d|hd[a-z]|vd[a-z]|xvd[a-z]|mmcblk\d|dm-\d|md\d|loop\d|disk\d|rdisk\d|fd\d|mapper\/|disk\/by-)/;
const HARMLESS_DEV = /^\/dev\/(?:null|zero|full|random|urandom|tty\d*|stdout|stderr|stdin|fd\/.*|pts\/.*|ptmx)$/;
const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock', '/var/run/podman/podman.sock', '/run/podman/podman.sock'];

const SHELL_RC = new Set([
  '.bashrc', '.zshrc', '.profile', '.bash_profile', '.zprofile', '.bash_login', '.zshenv', '.zlogin', '.zlogout',
  '.bash_logout', '.bash_aliases', '.kshrc', '.mkshrc', '.cshrc', '.tcshrc', '.xprofile', '.xinitrc', '.xsessionrc',
  '.config/fish/config.fish',
]);
const SHELL_RC_DIRS = ['.config/fish/conf.d', '.oh-my-zsh/custom'];
const CRED_FILES = new Set([
  '.netrc', '.pgpass', '.npmrc', '.pypirc', '.git-credentials', '.vault-token', '.boto', '.s3cfg', '.my.cnf',
  '.gem/credentials', '.cargo/credentials', '.cargo/credentials.toml', '.config/hub', '.m2/settings.xml',
  '.terraform.d/credentials.tfrc.json', '.kaggle/kaggle.json', '.anthropic_oauth.json',
]);
const CRED_DIRS = ['.ssh', '.aws', '.gnupg', '.kube', '.docker', '.azure', '.config/gh', '.config/gcloud', '.password-store', '.config/op'];
const AUTOSTART_DIRS = ['.config/autostart', '.config/systemd/user', 'library/launchagents', '.config/environment.d'];
/** Relative names that are sensitive wherever the shell happens to be (cwd unknown). */
const REL_CRED = new Set(['.netrc', '.pgpass', '.git-credentials']);
const HERMES_SECRET = /^(?:\.env(?:\..*)?|auth\.json|\.anthropic_oauth\.json|state\.db(?:-.*)?|mcp-tokens(?:\/.*)?)$/;
const PROJECT_ENV = /^\.env(?:rc|\.(?!example$|sample$|template$|dist$|defaults?$)[^/]+)?$/;

function homeRelative(abs: string, ctx: Ctx): string | null {
  if (abs.startsWith(ctx.home + '/')) return abs.slice(ctx.home.length + 1);
  // Other users' homes hold the same files (root's dotfiles when the agent runs sudo).
  const m = /^\/(?:home|users)\/[^/]+\/(.+)$/.exec(abs) ?? /^\/root\/(.+)$/.exec(abs);
  return m ? m[1] : null;
}

function dotfileHit(rel: string): SensitiveHit | null {
  if (rel.startsWith('.ssh/authorized_keys')) return { key: APPROVE.AUTHORIZED_KEYS, what: 'SSH authorized_keys' };
  if (CRED_FILES.has(rel) || CRED_DIRS.some((d) => rel === d || rel.startsWith(d + '/'))) {
    return { key: APPROVE.CREDENTIALS, what: 'a credential file' };
  }
  if (SHELL_RC.has(rel) || SHELL_RC_DIRS.some((d) => rel.startsWith(d + '/'))) return { key: APPROVE.SHELL_RC, what: 'a shell startup file' };
  if (AUTOSTART_DIRS.some((d) => rel.startsWith(d + '/'))) return { key: APPROVE.AUTOSTART, what: 'an autostart location' };
  return null;
}

function systemHit(abs: string): SensitiveHit | null {
  if (abs.startsWith('/etc/cron') || isUnder(abs, '/var/spool/cron') || isUnder(abs, '/var/spool/at')) {
    return { key: APPROVE.SCHEDULED_JOB, what: 'the system crontab' };
  }
  for (const d of ['/etc', '/private/etc', '/private/var', '/boot', '/usr/lib/systemd', '/lib/systemd']) {
    if (isUnder(abs, d)) return { key: APPROVE.SYSTEM_CONFIG, what: `system configuration (${d})` };
  }
  for (const d of ['/bin', '/sbin', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/lib', '/lib32', '/lib64', '/usr/lib', '/usr/lib64', '/usr/libexec', '/proc/sys', '/sys']) {
    if (isUnder(abs, d)) return { key: APPROVE.SYSTEM_FILE, what: `a system file (${d})` };
  }
  return null;
}

const GLOB = /[*?[]/;

/** Sensitive files a glob could name (`~/.ssh/a*d_keys`, `~/.b?shrc`, `/etc/pass*`), home-relative or absolute. */
const HOME_SAMPLES = [
  '.ssh/authorized_keys', '.ssh/authorized_keys2', '.ssh/id_rsa', '.ssh/id_ed25519', '.ssh/id_ecdsa', '.ssh/config',
  ...SHELL_RC, ...CRED_FILES, '.aws/credentials', '.aws/config', '.kube/config', '.docker/config.json',
  '.config/gcloud/credentials.db', '.config/gcloud/application_default_credentials.json', '.gnupg/private-keys-v1.d/x',
  '.config/autostart/x.desktop', '.config/systemd/user/x.service', 'library/launchagents/x.plist', '.gitconfig',
];
const ABS_SAMPLES = ['/etc/passwd', '/etc/shadow', '/etc/sudoers', '/etc/crontab', '/etc/hosts', '/etc/profile', '/etc/bash.bashrc'];
const HERMES_SAMPLES = ['config.yaml', '.env', 'auth.json', 'state.db', 'hermes-host.db'];

function globRe(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    // Like the shell: a leading `*` or `?` does not match a dot file.
    const lead = i === 0 || glob[i - 1] === '/' ? '(?!\\.)' : '';
    if (ch === '*') re += lead + '[^/]*';
    else if (ch === '?') re += lead + '[^/]';
    else if (ch === '[') {
      const j = glob.indexOf(']', i + 2);
      if (j < 0) re += '\\[';
      else {
        re += '[' + glob.slice(i + 1, j).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = j;
      }
    } else re += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}

/** Sensitive paths an absolute glob matches (checked against a fixed sample of well-known files). */
export function globCandidates(abs: string, ctx: Ctx): string[] {
  let re: RegExp;
  try {
    re = globRe(abs);
  } catch {
    return [];
  }
  const all = [
    ...HOME_SAMPLES.map((r) => `${ctx.home}/${r}`),
    ...ABS_SAMPLES,
    ...HERMES_SAMPLES.flatMap((r) => [`${ctx.hermesHome}/${r}`, `${ctx.hermesHomeDefault}/${r}`]),
  ];
  return all.filter((c) => re.test(c));
}

/** The sensitive class of writing `path` (already expanded, `~` allowed), or null. */
export function sensitiveWrite(path: string, ctx: Ctx, cwd?: string): SensitiveHit | null {
  const abs = resolvePath(path, ctx, cwd);
  if (abs === null) return relativeHit(normalizeRel(path));
  if (GLOB.test(abs)) {
    for (const c of globCandidates(abs, ctx)) {
      const hit = sensitiveWrite(c, ctx);
      if (hit) return hit;
    }
  }
  if (abs.startsWith('/dev/')) {
    if (HARMLESS_DEV.test(abs)) return null;
    if (BLOCK_DEVICE.test(abs)) return { key: BLOCK.BLOCK_DEVICE, what: `the raw block device ${abs}` };
  }
  if (abs.startsWith('/dev/tcp/') || abs.startsWith('/dev/udp/')) return { key: APPROVE.NET_SHELL, what: `a raw network socket (${abs})` };
  if (abs === '/proc/sysrq-trigger') return { key: BLOCK.SHUTDOWN, what: 'the kernel SysRq trigger' };
  for (const hh of [ctx.hermesHome, ctx.hermesHomeDefault]) {
    if (!abs.startsWith(hh + '/')) continue;
    const rel = abs.slice(hh.length + 1);
    if (rel === 'config.yaml') return { key: APPROVE.HOST_POLICY, what: "the host's own config.yaml (approval policy, allowlist)" };
    // Hermes's paired users are read as they are (gateway/hermes-pairing.ts): writing there lets someone in.
    if (/^(?:platforms\/)?pairing(?:\/|$)/.test(rel)) return { key: APPROVE.HOST_POLICY, what: `the gateway's paired users (${rel})` };
    if (HERMES_SECRET.test(rel)) return { key: APPROVE.HERMES_SECRETS, what: `Hermes secrets (${rel})` };
  }
  if (DOCKER_SOCKETS.includes(abs) || abs.endsWith('/.docker/run/docker.sock')) return { key: APPROVE.DOCKER_SOCKET, what: 'the Docker socket' };
  const rel = homeRelative(abs, ctx);
  const hit = (rel !== null ? dotfileHit(rel) : null) ?? systemHit(abs);
  if (hit) return hit;
  const base = abs.slice(abs.lastIndexOf('/') + 1);
  if (base.startsWith('authorized_keys')) return { key: APPROVE.AUTHORIZED_KEYS, what: 'SSH authorized_keys' };
  if (PROJECT_ENV.test(base)) return { key: APPROVE.PROJECT_ENV, what: `an env file (${base})` };
  return null;
}

function relativeHit(rel: string): SensitiveHit | null {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  if (rel.startsWith('.ssh/') || rel === '.ssh') {
    return base.startsWith('authorized_keys') ? { key: APPROVE.AUTHORIZED_KEYS, what: 'SSH authorized_keys' } : { key: APPROVE.CREDENTIALS, what: 'a credential file' };
  }
  if (base.startsWith('authorized_keys')) return { key: APPROVE.AUTHORIZED_KEYS, what: 'SSH authorized_keys' };
  if (SHELL_RC.has(rel)) return { key: APPROVE.SHELL_RC, what: 'a shell startup file' };
  if (REL_CRED.has(rel)) return { key: APPROVE.CREDENTIALS, what: 'a credential file' };
  if (PROJECT_ENV.test(base)) return { key: APPROVE.PROJECT_ENV, what: `an env file (${base})` };
  return null;
}

/** Hermes secret files whose mere reading would put keys in front of the model. */
export function isHermesSecret(path: string, ctx: Ctx): boolean {
  const abs = resolvePath(path, ctx);
  if (abs === null) return false;
  for (const hh of [ctx.hermesHome, ctx.hermesHomeDefault]) {
    if (abs.startsWith(hh + '/') && /^(?:\.env(?:\..*)?|auth\.json|\.anthropic_oauth\.json|mcp-tokens(?:\/.*)?)$/.test(abs.slice(hh.length + 1))) return true;
  }
  return false;
}

const SECRET_HOME = /^(?:\.ssh|\.aws|\.gnupg|\.kube|\.config\/gcloud|\.password-store|\.azure|\.ssh\/(?!.*\.pub$|known_hosts|config$|authorized_keys|environment$|rc$)[^/]+|\.aws\/(?:credentials|config)|\.kube\/config|\.netrc|\.git-credentials|\.config\/gcloud\/.+|\.docker\/config\.json|\.pgpass|\.npmrc|\.pypirc|\.gnupg\/(?:private-keys.*|secring.*|.*\.key)|\.vault-token|\.config\/gh\/hosts\.yml|\.azure\/.+|\.password-store\/.+|\.cargo\/credentials(?:\.toml)?|\.terraform\.d\/credentials\.tfrc\.json|\.kaggle\/kaggle\.json|\.anthropic_oauth\.json|\.my\.cnf|\.boto|\.s3cfg|\.config\/op\/.+)$/;
const KEY_FILE = /^id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?$/;
const HERMES_READ = /^(?:\.env(?:\..*)?|auth\.json|config\.yaml|\.anthropic_oauth\.json|mcp-tokens(?:\/.*)?|state\.db(?:-.*)?)$/;

/** What reading `path` would disclose when it holds credentials or secrets (a description), else null. */
export function secretRead(path: string, ctx: Ctx, cwd?: string): string | null {
  const abs = resolvePath(path, ctx, cwd);
  if (abs === null) {
    const rel = normalizeRel(path);
    const base = rel.slice(rel.lastIndexOf('/') + 1);
    if (PROJECT_ENV.test(base) || KEY_FILE.test(base)) return `a secrets file (${base})`;
    if (rel.startsWith('.ssh/') || rel === '.netrc' || rel === '.git-credentials') return `a credential file (${rel})`;
    return null;
  }
  if (GLOB.test(abs)) {
    for (const c of globCandidates(abs, ctx)) {
      const hit = secretRead(c, ctx);
      if (hit) return hit;
    }
  }
  if (/^\/proc\/[^/]+\/(?:task\/[^/]+\/)?environ$/.test(abs)) return "a process's environment (API keys)";
  for (const hh of [ctx.hermesHome, ctx.hermesHomeDefault]) {
    if (abs.startsWith(hh + '/') && HERMES_READ.test(abs.slice(hh.length + 1))) return `Hermes secrets (${abs.slice(hh.length + 1)})`;
  }
  if (abs === '/etc/shadow' || abs === '/etc/gshadow' || abs.startsWith('/etc/ssh/ssh_host_') && !abs.endsWith('.pub')) return `a system secret (${abs})`;
  const rel = homeRelative(abs, ctx);
  if (rel !== null && SECRET_HOME.test(rel)) return `a credential file (~/${rel})`;
  const base = abs.slice(abs.lastIndexOf('/') + 1);
  if (PROJECT_ENV.test(base) || KEY_FILE.test(base)) return `a secrets file (${base})`;
  return null;
}
