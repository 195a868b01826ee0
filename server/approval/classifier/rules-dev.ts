// Developer tools with destructive verbs: git (reset --hard, force push, clean -f, branch -D, discarding
// changes, config that runs commands), Docker lifecycle and privileged containers, SQL clients.
import { parseOpts, type Opts } from './argv';
import type { Cmd, Rule } from './cmd';
import { APPROVE } from './keys';
import { recursiveDeleteScope, resolvePath } from './paths';
import { sensitiveWrite } from './sensitive-paths';
import { gitDir, gitExecConfig, GIT_HOOKS, packageScripts, parseJustfile, parseMakefile, recipeLines } from './content';

// ---- git ----

const GIT_EXEC_CONFIG = /^(?:alias\.[^=]+|core\.(?:pager|editor|sshcommand|fsmonitor|hookspath)|sequence\.editor|diff\.external|pager\.[^=]+|credential\.helper)=/i;

function gitConfigValue(c: Cmd, kv: string): void {
  if (!GIT_EXEC_CONFIG.test(kv)) return;
  const value = kv.slice(kv.indexOf('=') + 1);
  // Aliases starting with `!`, pagers, editors and ssh commands are run by a shell.
  c.runScript(value.replace(/^!/, ''));
}

const DISCARD_PATHS = new Set(['.', ':/', '*', ':/*', './']);
const GIT_EXEC_KEY = /^(?:core\.(?:fsmonitor|sshcommand|pager|editor|hookspath|askpass|gitproxy)|alias\..+|pager\..+|diff\.external|diff\..+\.(?:command|textconv)|filter\..+\.(?:clean|smudge|process)|credential\.helper|sequence\.editor|gpg\.program|merge\..+\.driver|include\.path|includeif\..+\.path|uploadpack\.packobjectshook)$/i;

/** `git config [--global] key value`: keys whose value git later runs (or that pull in other config) ask. */
function gitConfigCommand(c: Cmd, rest: Cmd['args']): void {
  const pos: string[] = [];
  let global = false;
  for (let k = 1; k < rest.length; k++) {
    const v = rest[k].v;
    if (v === '--global' || v === '--system') global = true;
    if (v === '-f' || v === '--file' || v === '--type' || v === '--default' || v === '--blob') {
      k++;
      continue;
    }
    if (v.startsWith('-')) continue;
    pos.push(v);
  }
  const first = pos[0] === 'set' || pos[0] === 'add' ? 1 : 0;
  const key = pos[first];
  const value = pos[first + 1];
  if (!key || value === undefined || !GIT_EXEC_KEY.test(key)) return;
  if (/^core\.fsmonitor$/i.test(key) && /^(?:true|false)$/i.test(value)) return;
  if (/^alias\./i.test(key) && !value.startsWith('!')) return;
  c.runScript(value.replace(/^!/, ''));
  c.add(APPROVE.GIT_EXEC_CONFIG, `git config${global ? ' --global' : ''} ${key} makes git run ${JSON.stringify(value)} from now on`);
}

/** What a git command in this repository runs besides git: executing config values and hooks. */
function gitRepoContent(c: Cmd, sub: string): void {
  const probe = c.probe;
  if (!probe || !c.dir) return;
  const dir = gitDir(probe, c.dir);
  if (!dir) return;
  const cfg = probe.readText(`${dir}/config`);
  let hooksPath = `${dir}/hooks`;
  for (const { key, value } of cfg ? gitExecConfig(cfg) : []) {
    if (key === 'core.hookspath') {
      hooksPath = value.startsWith('/') ? value : value.startsWith('~/') ? c.ctx.homeRaw + value.slice(1) : `${dir.replace(/\/\.git$/, '')}/${value}`;
      continue;
    }
    if (key.startsWith('alias.') && key !== `alias.${sub.toLowerCase()}`) continue;
    if (c.runScript(value.replace(/^!/, '')) > 0) c.add(APPROVE.GIT_EXEC_CONFIG, `this repository's git config (${key}) runs commands that need approval`);
  }
  for (const hook of GIT_HOOKS[sub] ?? []) {
    const text = probe.readText(`${hooksPath}/${hook}`);
    if (text === null) continue;
    if (c.runContent(text) > 0) c.add(APPROVE.GIT_EXEC_CONFIG, `the ${hook} hook runs commands that need approval`);
  }
}

const git: Rule = (c) => {
  const { args } = c;
  let i = 1;
  while (i < args.length && args[i].v.startsWith('-')) {
    const a = args[i].v;
    if (a === '-c') gitConfigValue(c, args[i + 1]?.v ?? '');
    else if (a.startsWith('-c') && a.length > 2) gitConfigValue(c, a.slice(2));
    i += ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env', '--super-prefix'].includes(a) ? 2 : 1;
  }
  const sub = args[i]?.v;
  if (!sub) return;
  const rest = args.slice(i);
  // `git clone --upload-pack='sh -c …'`, `git push --receive-pack=…`, `git archive --exec=…`: programs git runs.
  for (let k = 1; k < rest.length; k++) {
    const m = /^--(?:upload-pack|receive-pack|exec)=(.*)$/s.exec(rest[k].v) ?? (/^(?:--upload-pack|--receive-pack|--exec|-u)$/.test(rest[k].v) && (sub === 'clone' || rest[k].v !== '-u') ? [rest[k].v, rest[k + 1]?.v ?? ''] : null);
    if (m && m[1]) {
      c.runScript(m[1]);
      c.add(APPROVE.GIT_EXEC_CONFIG, `git ${sub} ${rest[k].v.split('=')[0]} runs a program of the command's choosing`);
    }
  }
  if (sub === 'config') gitConfigCommand(c, rest);
  else gitRepoContent(c, sub);
  const o: Opts = parseOpts(rest, { short: sub === 'push' ? 'o' : sub === 'restore' || sub === 'checkout' ? 'sb' : '', long: ['source', 'push-option', 'repo', 'receive-pack', 'exec', 'message', 'format'] });
  const pos = o.pos.map((a) => a.v);
  switch (sub) {
    case 'reset':
      if (o.has('hard')) c.add(APPROVE.GIT_RESET_HARD, 'git reset --hard destroys uncommitted changes');
      break;
    case 'push':
      if (o.has('f', 'force', 'force-with-lease', 'force-if-includes', 'mirror') || pos.some((p) => p.startsWith('+'))) {
        c.add(APPROVE.GIT_FORCE_PUSH, 'force push rewrites remote history');
      }
      if (o.has('d', 'delete', 'prune') || pos.some((p, k) => k > 0 && /^:[^/]/.test(p))) c.add(APPROVE.GIT_BRANCH_D, 'git push deletes remote branches');
      break;
    case 'clean':
      if (o.has('f', 'force') && !o.has('n', 'dry-run')) c.add(APPROVE.GIT_CLEAN, 'git clean -f deletes untracked files');
      break;
    case 'branch':
      if (o.has('D') || (o.has('d', 'delete') && o.has('f', 'force'))) c.add(APPROVE.GIT_BRANCH_D, 'git branch -D deletes a branch even if unmerged');
      break;
    case 'checkout':
      if (o.has('f', 'force') || pos.some((p) => DISCARD_PATHS.has(p))) c.add(APPROVE.GIT_DISCARD, 'git checkout discards uncommitted changes');
      break;
    case 'restore':
      if ((!o.has('S', 'staged') || o.has('W', 'worktree')) && pos.some((p) => DISCARD_PATHS.has(p))) c.add(APPROVE.GIT_DISCARD, 'git restore discards uncommitted changes');
      break;
    case 'stash':
      if (pos[0] === 'drop' || pos[0] === 'clear') c.add(APPROVE.GIT_DISCARD, `git stash ${pos[0]} deletes stashed changes`);
      break;
  }
};

// ---- docker ----

const RUN_LONG = [
  'name', 'env', 'env-file', 'volume', 'mount', 'network', 'net', 'pid', 'ipc', 'user', 'workdir', 'entrypoint', 'label',
  'cap-add', 'cap-drop', 'security-opt', 'device', 'memory', 'cpus', 'restart', 'hostname', 'publish', 'add-host', 'dns',
  'log-driver', 'log-opt', 'platform', 'pull', 'runtime', 'shm-size', 'tmpfs', 'ulimit', 'userns', 'uts', 'volumes-from',
  'gpus', 'health-cmd', 'expose', 'link', 'cpu-shares', 'memory-swap', 'storage-opt', 'sysctl', 'group-add', 'cgroupns',
  'stop-signal', 'stop-timeout', 'attach', 'cidfile', 'domainname', 'mac-address', 'ip', 'ip6', 'network-alias', 'pids-limit',
  'cpuset-cpus', 'isolation', 'annotation', 'label-file', 'detach-keys', 'health-interval', 'health-retries', 'health-timeout',
];
const DANGEROUS_CAPS = /^(?:all|sys_admin|sys_ptrace|sys_module|dac_read_search|sys_rawio|net_admin)$/i;

function hostMountIsSensitive(c: Cmd, src: string): boolean {
  if (!src.startsWith('/') && !src.startsWith('~')) return false; // a named volume
  const abs = resolvePath(src, c.ctx);
  if (abs === null) return false;
  if (recursiveDeleteScope(abs, c.ctx) !== null) return true;
  const hit = sensitiveWrite(src, c.ctx);
  return hit !== null && hit.key !== APPROVE.PROJECT_ENV;
}

function privilegedRun(c: Cmd, from: number): void {
  const o = parseOpts(c.args, { from, short: 'acehlmpuvw', long: RUN_LONG, stopAtPositional: true });
  const why: string[] = [];
  if (o.has('privileged')) why.push('--privileged');
  for (const k of ['pid', 'ipc', 'userns', 'uts', 'cgroupns']) if (o.flags.get(k)?.includes('host')) why.push(`--${k}=host`);
  for (const cap of o.flags.get('cap-add') ?? []) if (DANGEROUS_CAPS.test(cap.replace(/^CAP_/i, ''))) why.push(`--cap-add=${cap}`);
  for (const so of o.flags.get('security-opt') ?? []) if (/unconfined|label[:=]disable/i.test(so)) why.push(`--security-opt=${so}`);
  for (const d of o.flags.get('device') ?? []) if (/^\/dev\/(?:sd|nvme|hd|vd|xvd|mmcblk|mem|kmem|port)/.test(d)) why.push(`--device=${d}`);
  for (const v of [...(o.flags.get('v') ?? []), ...(o.flags.get('volume') ?? [])]) {
    const src = v.split(':')[0];
    if (hostMountIsSensitive(c, src)) why.push(`-v ${v}`);
  }
  for (const m of o.flags.get('mount') ?? []) {
    const src = /(?:^|,)(?:source|src)=([^,]+)/.exec(m)?.[1];
    if (src && hostMountIsSensitive(c, src)) why.push(`--mount ${m}`);
  }
  if (why.length) c.add(APPROVE.DOCKER_PRIVILEGED, `container gets host access (${why.join(', ')})`);
}

const LIFECYCLE = new Set(['stop', 'kill', 'restart', 'rm', 'down']);
const REMOVE = new Set(['rmi', 'prune']);
const COMPOSE_GLOBAL_VALUE = new Set(['-f', '--file', '-p', '--project-name', '--project-directory', '--profile', '--env-file', '--ansi', '--progress', '--parallel']);

function compose(c: Cmd, from: number): void {
  let i = from;
  while (i < c.args.length && c.args[i].v.startsWith('-')) i += COMPOSE_GLOBAL_VALUE.has(c.args[i].v) ? 2 : 1;
  const verb = c.args[i]?.v;
  if (verb && LIFECYCLE.has(verb)) c.add(APPROVE.DOCKER_LIFECYCLE, `compose ${verb} stops or removes containers`);
}

const DOCKER_GLOBAL_VALUE = new Set(['-H', '--host', '-c', '--context', '-l', '--log-level', '--config', '--tlscacert', '--tlscert', '--tlskey']);

const docker: Rule = (c) => {
  if (c.name.endsWith('-compose')) return compose(c, 1);
  let i = 1;
  while (i < c.args.length && c.args[i].v.startsWith('-')) i += DOCKER_GLOBAL_VALUE.has(c.args[i].v) ? 2 : 1;
  let sub = c.args[i]?.v;
  if (!sub) return;
  if (sub === 'compose') return compose(c, i + 1);
  let group = '';
  if (['container', 'image', 'volume', 'network', 'system', 'builder', 'buildx', 'stack', 'service', 'swarm', 'node', 'plugin', 'secret', 'config'].includes(sub)) {
    group = sub;
    sub = c.args[i + 1]?.v ?? '';
    i++;
  }
  if (sub === 'run' || sub === 'create') return privilegedRun(c, i + 1);
  if (sub === 'exec') {
    if (c.args.slice(i + 1).some((a) => a.v === '--privileged')) c.add(APPROVE.DOCKER_PRIVILEGED, 'docker exec --privileged');
    // The command after the container name runs inside it: judge it like a local one.
    const o = parseOpts(c.args, { from: i + 1, short: 'eguw', long: ['env', 'env-file', 'user', 'workdir', 'detach-keys'], stopAtPositional: true });
    if (o.rest + 1 < c.args.length) c.run(c.args.slice(o.rest + 1));
    return;
  }
  if ((group === '' || group === 'container' || group === 'stack' || group === 'service') && (LIFECYCLE.has(sub) || sub === 'remove')) {
    c.add(APPROVE.DOCKER_LIFECYCLE, `${c.name} ${group ? group + ' ' : ''}${sub} stops or removes containers`);
  } else if (REMOVE.has(sub) || ((group === 'image' || group === 'volume' || group === 'network' || group === 'secret' || group === 'config') && (sub === 'rm' || sub === 'remove'))) {
    c.add(APPROVE.DOCKER_REMOVE, `${c.name} ${group ? group + ' ' : ''}${sub} deletes images, volumes or networks`);
  } else if (group === 'swarm' && sub === 'leave') c.add(APPROVE.DOCKER_LIFECYCLE, 'docker swarm leave');
};

// ---- SQL ----

export const SQL_CLIENTS = new Set(['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite', 'duckdb', 'sqlcmd', 'clickhouse-client', 'clickhouse', 'usql', 'mycli', 'pgcli', 'litecli', 'cockroach', 'isql', 'bq', 'snowsql', 'trino', 'presto']);

/** Reports DROP TABLE/DATABASE, DELETE without WHERE and TRUNCATE in SQL text. */
export function scanSql(add: (key: string, description: string) => void, text: string): void {
  if (!/drop|delete|truncate/i.test(text)) return;
  const s = text.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').toUpperCase();
  if (/\bDROP\s+(?:TABLE|DATABASE|SCHEMA)\b/.test(s)) add(APPROVE.SQL_DROP, 'SQL DROP destroys a table or database');
  if (/\bTRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?["`[\w]/.test(s) && !/\bTRUNCATE\s*\(/.test(s)) add(APPROVE.SQL_TRUNCATE, 'SQL TRUNCATE empties a table');
  for (const stmt of s.split(';')) {
    if (/\bDELETE\s+FROM\b/.test(stmt) && !/\bWHERE\b/.test(stmt)) add(APPROVE.SQL_DELETE, 'SQL DELETE without WHERE empties a table');
  }
}

const sqlClient: Rule = (c) => {
  for (const a of c.args.slice(1)) scanSql(c.add, a.v);
  c.runFlow(c.stdin(), 'sql');
};

const dropDb: Rule = (c) => {
  const pos = c.args.slice(1).map((a) => a.v);
  if (c.name === 'dropdb' || (c.name === 'mysqladmin' && pos.includes('drop'))) c.add(APPROVE.SQL_DROP, `${c.name} drops a database`);
};

const dbTask: Rule = (c) => {
  const pos = c.args.slice(1).map((a) => a.v);
  if (pos.some((p) => /^db:(?:drop|reset|purge|schema:load)\b/.test(p))) c.add(APPROVE.SQL_DROP, `${c.name} ${pos.join(' ')} drops database data`);
};

const prisma: Rule = (c) => {
  const pos = c.args.slice(1).map((a) => a.v);
  if ((pos[0] === 'migrate' && pos[1] === 'reset') || (pos[0] === 'db' && pos[1] === 'push' && pos.includes('--force-reset'))) {
    c.add(APPROVE.SQL_DROP, `prisma ${pos.slice(0, 2).join(' ')} drops database data`);
  }
};

/** A SQL client somewhere in the arguments (`docker exec db psql -c …`, `kubectl exec … -- mysql -e …`). */
export function sqlInArgs(c: Cmd): void {
  for (let k = 1; k < c.args.length; k++) {
    const v = c.args[k].v;
    if (SQL_CLIENTS.has(v) || (v.includes('/') && SQL_CLIENTS.has(v.slice(v.lastIndexOf('/') + 1)))) {
      for (const a of c.args.slice(k + 1)) scanSql(c.add, a.v);
      c.runFlow(c.stdin(), 'sql');
      return;
    }
  }
}

// ---- build tools: what `npm run x`, `make`, `just` will run ----

const NPM_BUILTIN = new Set(['install', 'i', 'ci', 'add', 'remove', 'uninstall', 'un', 'rm', 'update', 'up', 'upgrade', 'outdated', 'ls', 'list', 'why', 'info', 'view', 'init', 'create', 'dlx', 'exec', 'x', 'publish', 'pack', 'link', 'unlink', 'audit', 'config', 'set', 'get', 'cache', 'login', 'logout', 'whoami', 'version', 'help', 'store', 'prune', 'dedupe', 'import', 'patch', 'rebuild', 'root', 'bin', 'env', 'workspace', 'workspaces', 'global', 'node', 'plugin', 'constraints', 'search', 'doctor', 'fund', 'explain', 'owner', 'team', 'token', 'profile', 'deprecate', 'dist-tag', 'access', 'hook', 'org', 'star', 'stars', 'unstar', 'docs', 'bugs', 'repo', 'edit', 'explore', 'completion', 'shrinkwrap', 'setup', 'licenses', 'pm', 'upgrade-interactive']);
const INSTALL_VERBS = new Set(['install', 'i', 'ci', 'add', 'rebuild']);

const packageManager: Rule = (c) => {
  const pos = c.args.slice(1).filter((a) => !a.v.startsWith('-')).map((a) => a.v);
  let scripts: string[] = [];
  const verb = pos[0];
  if (verb === undefined) {
    if (c.name === 'yarn' || c.name === 'pnpm' || c.name === 'bun') scripts = c.name === 'bun' ? [] : ['install', 'preinstall', 'postinstall', 'prepare'];
  } else if (verb === 'run' || verb === 'run-script' || verb === 'rum' || verb === 'urn') scripts = pos[1] ? [pos[1]] : [];
  else if (verb === 'test' || verb === 't' || verb === 'tst' || verb === 'start' || verb === 'stop' || verb === 'restart') scripts = [verb.startsWith('t') ? 'test' : verb];
  else if (INSTALL_VERBS.has(verb) && pos.length === 1) scripts = ['install', 'preinstall', 'postinstall', 'prepare'];
  else if (c.name !== 'npm' && !NPM_BUILTIN.has(verb)) scripts = [verb];
  if (!scripts.length || !c.probe || !c.dir) return;
  for (const { name, body } of packageScripts(c.probe, c.dir, [...new Set(scripts)])) {
    if (c.runContent(body) > 0) c.add(APPROVE.SCRIPT_CODE, `package.json script "${name}" runs commands that need approval`);
  }
};

const make: Rule = (c) => {
  if (!c.probe || !c.dir) return;
  const o = parseOpts(c.args, { short: 'CfIoWjlEO', long: ['directory', 'file', 'makefile', 'include-dir', 'old-file', 'what-if', 'jobs', 'load-average', 'eval'] });
  if (o.has('n', 'just-print', 'dry-run', 'recon', 'q', 'question', 'p', 'print-data-base')) return;
  const sub = o.val('C') ?? o.val('directory');
  const dir = sub === undefined ? c.dir : sub.startsWith('/') ? sub : `${c.dir}/${sub}`;
  const file = o.val('f') ?? o.val('file') ?? o.val('makefile');
  const text = file !== undefined ? c.probe.readText(file.startsWith('/') ? file : `${dir}/${file}`) : (c.probe.readText(`${dir}/GNUmakefile`) ?? c.probe.readText(`${dir}/makefile`) ?? c.probe.readText(`${dir}/Makefile`));
  if (text === null) return;
  const mk = parseMakefile(text);
  const targets = o.pos.map((a) => a.v).filter((t) => !t.includes('='));
  let n = 0;
  for (const sh of mk.shells) n += c.runContent(sh);
  for (const line of recipeLines(mk, targets, true).slice(0, 200)) n += c.runContent(line);
  if (n > 0) c.add(APPROVE.SCRIPT_CODE, `the Makefile recipe for ${targets.join(' ') || mk.first || 'the default target'} runs commands that need approval`);
};

const just: Rule = (c) => {
  if (!c.probe || !c.dir) return;
  if (c.args.some((a) => /^(?:-n|--dry-run|-l|--list|--summary|--show|-s|--evaluate|--dump)$/.test(a.v))) return;
  const text = c.probe.readText(`${c.dir}/justfile`) ?? c.probe.readText(`${c.dir}/Justfile`) ?? c.probe.readText(`${c.dir}/.justfile`);
  if (text === null) return;
  const jf = parseJustfile(text);
  const targets = c.args.slice(1).filter((a) => !a.v.startsWith('-') && jf.rules.has(a.v)).map((a) => a.v);
  let n = 0;
  for (const sh of jf.shells) n += c.runContent(sh);
  for (const line of recipeLines(jf, targets, false).slice(0, 200)) n += c.runContent(line);
  if (n > 0) c.add(APPROVE.SCRIPT_CODE, `the justfile recipe ${targets.join(' ') || jf.first || ''} runs commands that need approval`);
};

export const DEV_RULES: Record<string, Rule> = {
  npm: packageManager, yarn: packageManager, pnpm: packageManager, make, gmake: make, just,
  git, docker, podman: docker, nerdctl: docker, 'docker-compose': docker, 'podman-compose': docker,
  dropdb: dropDb, mysqladmin: dropDb, rails: dbTask, rake: dbTask, prisma,
  ...Object.fromEntries([...SQL_CLIENTS].map((n) => [n, sqlClient])),
};
