// Processes and the system: kill/pkill/killall (force, all, self-termination), shutdown and reboot, service
// stops, scheduled jobs, firewall and account changes, and the host's own policy and lifecycle.
import { parseOpts } from './argv';
import type { Cmd, Rule } from './cmd';
import type { Arg } from './expand';
import { APPROVE, BLOCK } from './keys';
import { HOST_NAMES, patternHitsHost } from './producers';

function normSignal(sig: string | null): string | null {
  if (sig === null) return null;
  const s = sig.toUpperCase().replace(/^SIG/, '');
  if (s === '9') return 'KILL';
  if (s === '1') return 'HUP';
  return s;
}

/** Whether a pid argument names the host: its pid, $PPID (the host spawned the shell), or pgrep of the host. */
function targetsHost(c: Cmd, p: Arg): boolean {
  if (p.v === '$PPID' || p.v === '${PPID}') return true;
  if (c.ctx.hostPid !== undefined && (p.v === String(c.ctx.hostPid) || p.v === `-${c.ctx.hostPid}`)) return true;
  return p.dyn && c.flowsOf(p).some((f) => f.hostPids);
}

const kill: Rule = (c) => {
  const { args } = c;
  let sig: string | null = null;
  const pids: Arg[] = [];
  let optsDone = false;
  for (let i = 1; i < args.length; i++) {
    const a = args[i].v;
    if (!optsDone) {
      if (a === '--') {
        optsDone = true;
        continue;
      }
      if (a === '-l' || a === '-L' || a === '--list' || a === '--table') return;
      if (a === '-s' || a === '-n' || a === '--signal') {
        sig = args[++i]?.v ?? '';
        continue;
      }
      if (a.startsWith('--signal=')) {
        sig = a.slice(9);
        continue;
      }
      if (sig === null && /^-[A-Za-z0-9+]+$/.test(a)) {
        sig = a.slice(1);
        continue;
      }
    }
    optsDone = true;
    pids.push(args[i]);
  }
  const s = normSignal(sig);
  if (pids.some((p) => p.v === '-1') || (pids.length === 0 && sig === '1')) {
    c.add(BLOCK.KILL_ALL, 'kill -1 signals every process the user can reach');
    return;
  }
  if (s === 'KILL') c.add(APPROVE.FORCE_KILL, 'SIGKILL gives processes no chance to clean up');
  if (s === '0') return;
  if (pids.some((p) => targetsHost(c, p)) || (c.flags.xargs && c.stdin()?.hostPids)) {
    c.add(APPROVE.SELF_TERMINATION, 'kills the agent host itself');
  }
};

/** pkill's and killall's leading signal option: -9, -KILL, -SIGKILL. */
function leadingSignal(args: Arg[]): { sig: string | null; from: number } {
  const a = args[1]?.v ?? '';
  if (/^-(?:\d+|(?:SIG)?[A-Z][A-Z0-9+]+)$/.test(a)) return { sig: a.slice(1), from: 2 };
  return { sig: null, from: 1 };
}

const pkill: Rule = (c) => {
  const lead = leadingSignal(c.args);
  const o = parseOpts(c.args, {
    from: lead.from,
    short: 'gGPstuUFL',
    long: ['signal', 'pgroup', 'group', 'parent', 'session', 'terminal', 'euid', 'uid', 'pidfile', 'ns', 'nslist', 'older', 'newer'],
  });
  const sig = normSignal(lead.sig ?? o.val('signal') ?? null);
  if (sig === 'KILL') c.add(APPROVE.FORCE_KILL, 'pkill with SIGKILL');
  if (o.has('u', 'U', 'euid', 'uid')) c.add(APPROVE.KILL_BY_USER, 'pkill -u kills every process of a user');
  const full = o.has('f', 'full');
  const exact = o.has('x', 'exact');
  if (o.pos.some((p) => patternHitsHost(p.v, full, exact))) c.add(APPROVE.SELF_TERMINATION, `pkill pattern matches the agent host process`);
};

const killall: Rule = (c) => {
  const lead = leadingSignal(c.args);
  const o = parseOpts(c.args, { from: lead.from, short: 'sunoyZ', long: ['signal', 'user', 'older-than', 'younger-than', 'context', 'ns'] });
  const sig = normSignal(lead.sig ?? o.val('s') ?? o.val('signal') ?? null);
  if (sig === 'KILL') c.add(APPROVE.FORCE_KILL, 'killall with SIGKILL');
  const regex = o.has('r', 'regexp');
  if (regex) c.add(APPROVE.KILL_REGEX, 'killall -r kills every process matching a regular expression');
  if (o.has('u', 'user')) c.add(APPROVE.KILL_BY_USER, 'killall -u kills every process of a user');
  const hits = o.pos.some((p) => (regex ? patternHitsHost(p.v, false, false) : HOST_NAMES.includes(p.v.toLowerCase())));
  if (hits) c.add(APPROVE.SELF_TERMINATION, 'killall targets the agent host process');
};

const killall5: Rule = (c) => c.add(BLOCK.KILL_ALL, 'killall5 signals every process');

const shutdown: Rule = (c) => c.add(BLOCK.SHUTDOWN, `${c.name} shuts down or reboots the machine`);

const init: Rule = (c) => {
  const level = c.args[1]?.v;
  if (level === '0' || level === '6') c.add(BLOCK.SHUTDOWN, `${c.name} ${level} ${level === '0' ? 'halts' : 'reboots'} the machine`);
};

const POWER = new Set(['poweroff', 'reboot', 'halt', 'kexec', 'soft-reboot']);
const STOPS = new Set(['stop', 'restart', 'disable', 'mask', 'kill', 'try-restart', 'reload-or-restart', 'try-reload-or-restart', 'isolate', 'rescue', 'emergency', 'suspend', 'hibernate', 'hybrid-sleep', 'suspend-then-hibernate', 'freeze']);

const systemctl: Rule = (c) => {
  const o = parseOpts(c.args, {
    short: 'tpHMsnoj',
    long: ['type', 'property', 'host', 'machine', 'signal', 'kill-whom', 'kill-who', 'root', 'lines', 'output', 'job-mode', 'what', 'state', 'reboot-argument', 'timestamp', 'boot-loader-entry', 'boot-loader-menu', 'when', 'message', 'kill-value'],
  });
  const verb = o.pos[0]?.v.toLowerCase();
  if (!verb) return;
  if (POWER.has(verb)) c.add(BLOCK.SHUTDOWN, `systemctl ${verb}`);
  else if (STOPS.has(verb)) c.add(APPROVE.SERVICE_STOP, `systemctl ${verb} ${o.pos.slice(1).map((a) => a.v).join(' ')}`.trim());
  else persistUnit(c);
};

const loginctl: Rule = (c) => {
  const verb = c.args.find((a, i) => i > 0 && !a.v.startsWith('-'))?.v;
  if (verb && POWER.has(verb)) c.add(BLOCK.SHUTDOWN, `loginctl ${verb}`);
};

const SERVICE_VERBS = new Set(['stop', 'restart', 'force-reload', 'try-restart', 'zap', 'force-stop', 'force-restart', 'down', 'kill', 'exit', 'unload', 'bootout', 'remove', 'disable']);

/** `service x stop`, `rc-service x stop`, `sv stop x`, `launchctl unload …`, `/etc/init.d/x stop`. */
const service: Rule = (c) => {
  const pos = c.args.slice(1).filter((a) => !a.v.startsWith('-')).map((a) => a.v.toLowerCase());
  const verb = c.name === 'service' || c.name === 'rc-service' ? pos[1] : pos[0];
  if (verb && SERVICE_VERBS.has(verb)) c.add(APPROVE.SERVICE_STOP, `${c.name} ${pos.join(' ')}`);
};

export const initScript: Rule = (c) => {
  const verb = c.args[1]?.v.toLowerCase();
  if (verb && SERVICE_VERBS.has(verb)) c.add(APPROVE.SERVICE_STOP, `${c.args[0].v} ${verb}`);
};

const crontab: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'usc' });
  if (o.has('l') && !o.has('r', 'e') && o.pos.length === 0) return;
  c.add(APPROVE.SCHEDULED_JOB, o.has('r') ? 'crontab -r removes every scheduled job' : 'crontab changes scheduled jobs (persistence)');
};


/** The host's own CLI: policy changes and lifecycle commands that would end running agents. */
const hermes: Rule = (c) => {
  const pos = c.args.slice(1).filter((a) => !a.v.startsWith('-')).map((a) => a.v);
  const [sub, verb, key] = pos;
  // Every config key is policy: approvals and allowlists, but also the model endpoint (the API key goes wherever
  // model.base_url points), private-URL access, skill guards, the terminal backend.
  if (sub === 'config' && verb && /^(?:set|unset|edit|reset|delete|rm|import|add|remove|migrate)$/.test(verb)) {
    c.add(APPROVE.HOST_POLICY, `changes the host's own configuration (${pos.slice(0, 3).join(' ')}${key ? '' : ''})`);
  } else if (sub === 'setup' || sub === 'login' || sub === 'model' && verb && verb !== 'list') {
    c.add(APPROVE.HOST_POLICY, `${c.name} ${sub} changes the host's model endpoint or credentials`);
  } else if ((sub === 'allowlist' || sub === 'approvals' || sub === 'approval') && !/^(?:list|show|ls|get)?$/.test(verb ?? '')) {
    c.add(APPROVE.HOST_POLICY, `changes the host's own approval policy (${pos.join(' ')})`);
  } else if (sub === 'pairing' && verb && !/^(?:list|ls|links)$/.test(verb)) {
    // Who may talk to the gateway is policy: an approved stranger gets the agent and its tools from their phone.
    c.add(APPROVE.HOST_POLICY, `${c.name} pairing ${verb} changes who may talk to the gateway`);
  } else if (sub && /^(?:stop|restart|kill|shutdown|update|uninstall)$/.test(sub)) {
    c.add(APPROVE.SELF_TERMINATION, `${c.name} ${sub} ends the running host`);
  } else if (sub === 'gateway' && verb && /^(?:stop|restart|run)$/.test(verb)) {
    c.add(APPROVE.SELF_TERMINATION, `${c.name} gateway ${verb} restarts the gateway (kills running agents)`);
  }
};

const IPTABLES_CHANGE = /^-(?:[ADIRFXPNZE]|-(?:append|delete|insert|replace|flush|delete-chain|policy|new-chain|zero|rename-chain))$/;
const firewall: Rule = (c) => {
  const args = c.args.slice(1).map((a) => a.v);
  let change: boolean;
  if (c.name.startsWith('iptables') || c.name.startsWith('ip6tables')) change = c.name.endsWith('-restore') || args.some((a) => IPTABLES_CHANGE.test(a) || /^-[A-Za-z]*[ADIRFXPNZE]/.test(a) && !a.startsWith('--'));
  else if (c.name === 'nft') change = !['list', 'describe', 'monitor', '-c', '--check'].some((v) => args.includes(v));
  else if (c.name === 'ufw') change = !['status', 'show', 'version', 'app'].includes(args.find((a) => !a.startsWith('-')) ?? 'status');
  else change = !args.every((a) => /^--(?:list|get|query|state|version|help)/.test(a));
  if (change) c.add(APPROVE.FIREWALL, `${c.name} changes firewall rules`);
};

const account: Rule = (c) => {
  if (c.name === 'passwd' && c.args.some((a) => a.v === '-S' || a.v === '--status')) return;
  if (c.name === 'chage' && c.args.some((a) => a.v === '-l' || a.v === '--list')) return;
  c.add(APPROVE.SYSTEM_CONFIG, `${c.name} changes user accounts or sudoers`);
};

const sysctl: Rule = (c) => {
  if (c.args.slice(1).some((a) => a.v.includes('=') || /^-[a-zA-Z]*[wp]/.test(a.v) || a.v === '--write' || a.v === '--load' || a.v === '--system')) {
    c.add(APPROVE.SYSTEM_CONFIG, 'sysctl changes kernel parameters');
  }
};

/** `systemctl --user enable x`, `launchctl load x`: a unit that starts by itself later (persistence). */
const persistUnit: Rule = (c) => {
  const verb = c.args.slice(1).find((a) => !a.v.startsWith('-'))?.v.toLowerCase();
  if (c.name === 'systemctl' ? verb && /^(?:enable|link|edit|add-wants|add-requires|set-property|preset|revert|import-environment|set-environment)$/.test(verb) : verb && /^(?:load|bootstrap|enable|submit)$/.test(verb)) {
    c.add(APPROVE.AUTOSTART, `${c.name} ${verb} makes something start by itself later`);
  }
};

const kernelModule: Rule = (c) => {
  const dry = c.args.some((a) => /^-(?:n|-dry-run|c|-showconfig|-show-depends)$/.test(a.v));
  if (!dry && c.args.slice(1).some((a) => !a.v.startsWith('-'))) c.add(APPROVE.SYSTEM_CONFIG, `${c.name} changes the running kernel`);
};

const mount: Rule = (c) => {
  if (c.args.slice(1).some((a) => !a.v.startsWith('-') || /remount|bind/.test(a.v))) c.add(APPROVE.SYSTEM_CONFIG, `${c.name} changes mounted filesystems`);
};

/** Programs that print stored secrets: gpg's secret-key export, the macOS keychain, pass, vault reads. */
const secretDump: Rule = (c) => {
  const args = c.args.slice(1).map((a) => a.v);
  const hit =
    (c.name === 'gpg' || c.name === 'gpg2') ? args.some((a) => /^--export-secret-(?:sub)?keys/.test(a)) :
    c.name === 'security' ? args.some((a) => /^find-(?:generic|internet)-password$|^dump-keychain$/.test(a)) && args.some((a) => /^-[a-z]*[wg]/.test(a) || a === 'dump-keychain') :
    c.name === 'pass' ? args.length > 0 && !/^(?:ls|list|find|search|init|generate|insert|edit|rm|mv|cp|git)$/.test(args[0]) :
    c.name === 'vault' ? args[0] === 'read' || (args[0] === 'kv' && args[1] === 'get') :
    c.name === 'op' ? args[0] === 'read' || (args[0] === 'item' && args[1] === 'get') : false;
  if (hit) c.add(APPROVE.SECRET_READ, `${c.name} prints stored secrets`);
};

export const PROC_RULES: Record<string, Rule> = {
  insmod: kernelModule, rmmod: kernelModule, modprobe: kernelModule, mount, umount: mount,
  gpg: secretDump, gpg2: secretDump, security: secretDump, pass: secretDump, vault: secretDump, op: secretDump,
  kill, pkill, killall, killall5,
  shutdown, reboot: shutdown, halt: shutdown, poweroff: shutdown, init, telinit: init,
  systemctl, loginctl, service, 'rc-service': service, sv: service, launchctl: (c) => { service(c); persistUnit(c); },
  crontab, hermes, 'hermes-host': hermes,
  iptables: firewall, ip6tables: firewall, 'iptables-legacy': firewall, 'iptables-nft': firewall, 'iptables-restore': firewall,
  'ip6tables-restore': firewall, nft: firewall, ufw: firewall, 'firewall-cmd': firewall,
  useradd: account, userdel: account, usermod: account, groupadd: account, groupdel: account, groupmod: account,
  gpasswd: account, chpasswd: account, passwd: account, visudo: account, vipw: account, vigr: account, adduser: account,
  deluser: account, addgroup: account, delgroup: account, chsh: account, chage: account,
  sysctl,
};
