// The OS sandbox under the local backend: bubblewrap (Debian's `bubblewrap`, /usr/bin/bwrap).
//
// Why bwrap and not Landlock + seccomp: Landlock limits which paths a process may write, but it gives no PID
// namespace, so a command could still read the host's /proc/<pid>/environ (the API keys the host started with stay
// in that memory even after they are deleted from process.env), and no network namespace. Node also cannot apply
// Landlock to a child without a native helper. bwrap gives mount, PID and network namespaces from one packaged,
// setuid-free binary that works for an unprivileged user wherever user namespaces are enabled.
//
// What a command sees: the whole filesystem read-only (`--ro-bind / /`), a private /tmp (a host directory of its
// own, so the host can reach the shell's FIFO), the workspace and configured extra paths writable, then — mounted
// last, so a writable bind of a parent cannot undo them — credentials hidden (an empty tmpfs) and rc/profile files,
// git config and HERMES_HOME read-only, HERMES_HOME's own secrets hidden. Its own PID namespace with a fresh /proc.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export type SandboxMode = 'auto' | 'bwrap' | 'off';

export interface BwrapPolicy {
  /** bwrap binary. */
  bwrap: string;
  /** The user's home directory (protected dotfiles live here). */
  home: string;
  hermesHome: string;
  /** The thread's workspace: writable. */
  workspace: string;
  /** Host directory mounted as the sandbox's /tmp. */
  privateTmp: string;
  /** Extra writable paths from config (absolute or ~/…); missing ones are skipped. */
  writable: readonly string[];
  network: boolean;
}

/** Credential stores: hidden entirely (an empty tmpfs in their place). */
export const HIDDEN_DIRS = ['.ssh', '.aws', '.config/gcloud', '.kube', '.gnupg', '.docker', '.azure', '.password-store'];
/** Files that hold credentials: hidden (/dev/null in their place). */
export const HIDDEN_FILES = ['.netrc', '.git-credentials', '.npmrc', '.pypirc', '.config/gh/hosts.yml'];
/** Files and folders that run code or change behaviour later: read-only. */
export const READONLY_PATHS = [
  '.bashrc', '.bash_profile', '.bash_login', '.bash_logout', '.profile', '.zshrc', '.zshenv', '.zprofile', '.zlogin',
  '.zlogout', '.kshrc', '.mkshrc', '.cshrc', '.tcshrc', '.config/fish', '.inputrc', '.gitconfig', '.config/git',
  '.config/autostart', '.config/systemd', '.local/share/systemd', '.hermes', '.vimrc', '.config/nvim', '.emacs',
  '.emacs.d', '.pam_environment', '.xprofile', '.xinitrc', '.config/hermes', '.cargo/config.toml',
  '.cargo/config', '.pip/pip.conf', '.config/pip', '.condarc', '.ipython/profile_default/startup', '.pythonrc',
];
/** Sockets this host listens on (`--listen <path>`), hidden from every sandbox started afterwards. */
const hostSockets = new Set<string>();
export function hideHostSocket(path: string): void {
  hostSockets.add(resolve(path));
}

/** Container engines' sockets: whoever can talk to them can mount / read-write. */
const ENGINE_SOCKETS = ['/run/docker.sock', '/var/run/docker.sock', '/run/podman/podman.sock', '/run/containerd/containerd.sock', '/var/run/libvirt/libvirt-sock'];
/** Inside HERMES_HOME: secrets and transcripts, hidden; the rest (skills, config) stays readable, read-only. */
const HERMES_HIDDEN_FILES = ['.env', 'auth.json', 'state.db', 'state.db-wal', 'state.db-shm', 'hermes-host.db', 'hermes-host.db-wal', 'hermes-host.db-shm', 'host.lock'];
/** Inside HERMES_HOME: policy that must stay read-only even when the workspace is HERMES_HOME itself. */
const HERMES_READONLY_FILES = ['config.yaml', 'SOUL.md', 'memories'];

const expandHome = (p: string, home: string) => (p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p);

/** True when `p` is `dir` or lies under it. */
function within(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith('/') ? dir : dir + '/');
}

/**
 * The bwrap arguments (before `--` and the command) for a policy. Order matters: bwrap applies them in sequence,
 * and a later mount hides an earlier one below it — /tmp first, then the writable binds (a workspace under /tmp
 * must come after /tmp), then the protections (which must win over a writable parent such as a workspace at ~).
 */
export function bwrapArgs(p: BwrapPolicy, opts: { newSession?: boolean; readOnlyWorkspace?: boolean } = {}): string[] {
  // --cap-drop ALL: run as root, bwrap would keep every capability, and CAP_SYS_ADMIN could remount / read-write.
  const a = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--die-with-parent', '--cap-drop', 'ALL'];
  a.push('--bind', p.privateTmp, '/tmp');
  if (existsSync('/var/tmp')) a.push('--tmpfs', '/var/tmp');
  if (existsSync('/dev/shm')) a.push('--tmpfs', '/dev/shm');
  // readOnlyWorkspace (execute_code's script process): the workspace is only the starting directory; what the
  // script changes, it changes through tool calls that pass the approval gate.
  const writable = [...(opts.readOnlyWorkspace ? [] : [p.workspace]), ...p.writable.map((w) => resolve(expandHome(w, p.home)))].filter(
    (w) => isAbsolute(w) && w !== '/' && existsSync(w),
  );
  // Read-only, but still visible where it is when it lies under /tmp (which the private /tmp would hide).
  if (opts.readOnlyWorkspace && isAbsolute(p.workspace) && p.workspace !== '/' && existsSync(p.workspace)) a.push('--ro-bind', p.workspace, p.workspace);
  for (const w of writable) a.push('--bind', w, w);
  const protections = protectionMounts(p);
  for (const m of protections) a.push(...m.args);
  // A writable path inside a protected one (a workspace in HERMES_HOME/skills) is writable again, and whatever
  // protection lies inside it is applied once more on top, so the innermost rule wins either way.
  const reopened = writable.filter((w) => protections.some((m) => m.kind === 'ro' && within(w, m.path)));
  for (const w of reopened) {
    a.push('--bind', w, w);
    for (const m of protections) if (m.path !== w && reopened.some((r) => within(m.path, r))) a.push(...m.args);
  }
  if (!p.network) a.push('--unshare-net');
  // A detached child has no controlling terminal, and the persistent shell's terminal is our own pty that leads
  // nowhere but into this sandbox, so TIOCSTI cannot reach the user's terminal; --new-session would cost the shell
  // its job control, so it is only used where asked.
  if (opts.newSession) a.push('--new-session');
  a.push('--chdir', existsSync(p.workspace) ? p.workspace : '/');
  return a;
}

interface Mount {
  path: string;
  kind: 'ro' | 'hidden';
  args: string[];
}

/** The protections, outermost first: read-only dotfiles and HERMES_HOME, then hidden secrets and credentials. */
function protectionMounts(p: BwrapPolicy): Mount[] {
  const out: Mount[] = [];
  const ro = (path: string) => out.push({ path, kind: 'ro', args: ['--ro-bind', path, path] });
  const hideFile = (path: string) => out.push({ path, kind: 'hidden', args: ['--ro-bind', '/dev/null', path] });
  const hideDir = (path: string) => out.push({ path, kind: 'hidden', args: ['--tmpfs', path, '--remount-ro', path] });
  for (const rel of READONLY_PATHS) {
    const path = join(p.home, rel);
    if (existsSync(path)) ro(path);
  }
  if (existsSync(p.hermesHome)) ro(p.hermesHome);
  for (const f of HERMES_READONLY_FILES) {
    const path = join(p.hermesHome, f);
    if (existsSync(path)) ro(path);
  }
  for (const f of HERMES_HIDDEN_FILES) {
    const path = join(p.hermesHome, f);
    if (isFile(path)) hideFile(path);
  }
  for (const rel of HIDDEN_FILES) {
    const path = join(p.home, rel);
    if (isFile(path)) hideFile(path);
  }
  for (const rel of HIDDEN_DIRS) {
    const path = join(p.home, rel);
    if (isDir(path)) hideDir(path);
  }
  // Unix sockets stay connectable on a read-only mount: the host's own JSON-RPC socket (a client there could answer
  // its own approvals), container engines (a way out as root) and the user's runtime dir (agents, D-Bus) are hidden.
  for (const path of [join(p.hermesHome, 'host.sock'), ...hostSockets, ...ENGINE_SOCKETS]) {
    if (existsSync(path) && !isDir(path)) hideFile(path);
  }
  const runtime = typeof process.getuid === 'function' ? `/run/user/${process.getuid()}` : '';
  if (runtime && isDir(runtime) && !within(p.workspace, runtime)) hideDir(runtime);
  return out;
}

/** Paths a command cannot write, for the system prompt, error detection and doctor. */
export function protectedPaths(p: Pick<BwrapPolicy, 'home' | 'hermesHome'>): string[] {
  return [
    p.hermesHome,
    ...[...HIDDEN_DIRS, ...HIDDEN_FILES, ...READONLY_PATHS].map((r) => join(p.home, r)),
  ];
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export interface BwrapProbe {
  ok: boolean;
  bwrap?: string;
  /** What went wrong, for doctor and the start-up warning. */
  error?: string;
}

let cachedProbe: BwrapProbe | undefined;

/** Finds bwrap and runs `true` under the same namespaces the sandbox uses (user namespaces must be allowed).
 * Cached for the process: the answer does not change while the host runs. */
export function probeBwrap(refresh = false): BwrapProbe {
  if (cachedProbe && !refresh) return cachedProbe;
  const bwrap = findOnPath('bwrap');
  if (!bwrap) return (cachedProbe = { ok: false, error: 'bwrap not found (install the bubblewrap package)' });
  const r = spawnSync(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--die-with-parent', '--tmpfs', '/tmp', 'true'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (r.status === 0) return (cachedProbe = { ok: true, bwrap });
  const why = (r.stderr || r.error?.message || `exit code ${r.status}`).trim().split('\n')[0];
  return (cachedProbe = { ok: false, bwrap, error: `bwrap cannot create its namespaces here: ${why} (are unprivileged user namespaces disabled?)` });
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH || '/usr/bin:/bin').split(':').concat(['/usr/bin', '/bin'])) {
    const p = join(dir || '.', name);
    if (isAbsolute(p) && isFile(p)) return p;
  }
  return undefined;
}

/**
 * The host pid of the process that is `innerPid` in the PID namespace created by the bwrap whose (host) pid is
 * `outerPid`: a walk down from bwrap through /proc/<pid>/task/<pid>/children, matching the last NSpid entry.
 * The kill and teardown helpers run on the host and need host pids — an inner pid means another process here.
 */
export function hostPidOf(outerPid: number, innerPid: number): number | undefined {
  const queue = [outerPid];
  const seen = new Set<number>();
  while (queue.length) {
    const pid = queue.shift()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    if (pid !== outerPid) {
      const ns = nsPids(pid);
      if (ns.length > 1 && ns[ns.length - 1] === innerPid) return pid;
    }
    for (const c of childrenOf(pid)) queue.push(c);
  }
  return undefined;
}

function nsPids(pid: number): number[] {
  try {
    const m = /^NSpid:\s*(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? m[1]!.trim().split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // Kernels without CONFIG_PROC_CHILDREN: scan every process's parent.
    const out: number[] = [];
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      try {
        const m = /^PPid:\s*(\d+)/m.exec(readFileSync(`/proc/${e}/status`, 'utf8'));
        if (m && Number(m[1]) === pid) out.push(Number(e));
      } catch {
        // gone
      }
    }
    return out;
  }
}

export { within as isWithin };
