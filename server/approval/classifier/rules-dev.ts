// Developer tools with destructive verbs: git (reset --hard, force push, clean -f, branch -D, discarding
// changes, config that runs commands), Docker lifecycle and privileged containers, SQL clients.
import { parseOpts, type Opts } from './argv';
import type { Cmd, Rule } from './cmd';
import { APPROVE } from './keys';
import { recursiveDeleteScope, resolvePath } from './paths';
import { sensitiveWrite } from './sensitive-paths';

// ---- git ----

const GIT_EXEC_CONFIG = /^(?:alias\.[^=]+|core\.(?:pager|editor|sshcommand|fsmonitor|hookspath)|sequence\.editor|diff\.external|pager\.[^=]+|credential\.helper)=/i;

function gitConfigValue(c: Cmd, kv: string): void {
  if (!GIT_EXEC_CONFIG.test(kv)) return;
  const value = kv.slice(kv.indexOf('=') + 1);
  // Aliases starting with `!`, pagers, editors and ssh commands are run by a shell.
  c.runScript(value.replace(/^!/, ''));
}

const DISCARD_PATHS = new Set(['.', ':/', '*', ':/*', './']);

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
  if (sub === 'exec' && c.args.slice(i + 1).some((a) => a.v === '--privileged')) c.add(APPROVE.DOCKER_PRIVILEGED, 'docker exec --privileged');
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

export const DEV_RULES: Record<string, Rule> = {
  git, docker, podman: docker, nerdctl: docker, 'docker-compose': docker, 'podman-compose': docker,
  dropdb: dropDb, mysqladmin: dropDb, rails: dbTask, rake: dbTask, prisma,
  ...Object.fromEntries([...SQL_CLIENTS].map((n) => [n, sqlClient])),
};
