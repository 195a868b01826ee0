// Filesystem rules: deletion (rm, find -delete/-exec rm, xargs rm), permissions, copies and moves into
// sensitive places, in-place edits, raw disks (mkfs, dd, wipefs, partitioning), downloads that are run later.
import { cmdName, hasLong, parseOpts } from './argv';
import type { Cmd, Rule } from './cmd';
import { APPROVE, BLOCK } from './keys';
import { inRootPath, isSystemOrHomeDir, recursiveDeleteScope, resolvePath } from './paths';
import { sensitiveWrite } from './sensitive-paths';

/** Binaries whose copies keep their meaning under another name. */
const RENAMEABLE = /^(?:rm|dd|mkfs|shred|wipefs|kill|pkill|killall|shutdown|reboot|halt|poweroff|sh|bash|zsh|dash|ksh|busybox|python|perl|ruby|node|chmod|chown|find|xargs|env|sudo)$/;

const SCOPE_KEY = { root: BLOCK.ROOT_DELETE, system: BLOCK.SYSTEM_DELETE, home: BLOCK.HOME_DELETE } as const;
const SCOPE_WHAT = { root: 'the whole filesystem', system: 'a system directory', home: 'a home directory' } as const;

function basename(p: string): string {
  const t = p.replace(/\/+$/, '');
  return t.slice(t.lastIndexOf('/') + 1);
}

function hardlineScope(c: Cmd, path: string, how: string): boolean {
  const abs = resolvePath(path, c.ctx, c.cwd);
  let scope = abs === null ? null : recursiveDeleteScope(abs, c.ctx);
  // Through a symlink: `ln -s ~ /tmp/h; rm -rf /tmp/h/` deletes home (the trailing slash follows the link).
  if (!scope && abs !== null) {
    const real = c.real(path.endsWith('/') || path.endsWith('/.') || /\/\*$/.test(path) ? path : path.replace(/\/+$/, '') + '/.');
    if (real) scope = recursiveDeleteScope(real, c.ctx);
  }
  if (scope) c.add(SCOPE_KEY[scope], `${how} on ${path} destroys ${SCOPE_WHAT[scope]}`);
  return scope !== null;
}

const rm: Rule = (c) => {
  const o = parseOpts(c.args);
  const recursive = c.name === 'rimraf' || o.has('r', 'R') || hasLong(o, 'recursive');
  let hardline = false;
  if (c.flags.xargs) c.add(APPROVE.XARGS_RM, 'xargs feeds an unknown list of paths to rm');
  if (c.flags.findExec) {
    c.add(APPROVE.FIND_EXEC_RM, 'find -exec rm deletes every match');
    if (c.flags.findExec.unfiltered) for (const p of c.flags.findExec.paths) hardline = hardlineScope(c, p, 'find -exec rm') || hardline;
  }
  for (const t of o.pos) {
    if (t.v === '{}') continue;
    if (recursive) hardline = hardlineScope(c, t.v, `${c.name} -r`) || hardline;
    const abs = resolvePath(t.v, c.ctx);
    if (!recursive && abs !== null && inRootPath(abs, c.ctx)) c.add(APPROVE.DELETE_ROOT_PATH, `deletes ${t.v}, outside home and project directories`);
    const hit = sensitiveWrite(t.v, c.ctx, c.cwd);
    if (hit && hit.key !== BLOCK.BLOCK_DEVICE && hit.key !== BLOCK.SHUTDOWN) c.add(hit.key, `deletes ${hit.what}`);
  }
  // In a build script or recipe (`"clean": "rm -rf dist"`), deleting workspace subdirectories is routine; what
  // reaches outside the working directory still asks.
  const routine = c.inContent && !!c.cwd && o.pos.length > 0 && o.pos.every((t) => {
    const abs = resolvePath(t.v, c.ctx, c.cwd);
    return abs !== null && abs.startsWith(c.cwd + '/') && !c.real(t.v);
  });
  if (recursive && !hardline && !routine) c.add(APPROVE.RECURSIVE_DELETE, `${c.name} -r deletes directories and everything in them`);
};

const NARROWING = /^-(?:i?name|i?path|i?wholename|i?regex|newer\w*|[amc](?:time|min)|size|user|group|uid|gid|nouser|nogroup|perm|empty|inum|samefile|links|i?lname|used|context)$/;

const find: Rule = (c) => {
  const { args } = c;
  let i = 1;
  while (i < args.length && /^-(?:[HLP]|O\d*)$/.test(args[i].v)) i++;
  if (args[i]?.v === '-D') i += 2;
  const paths: string[] = [];
  for (; i < args.length && !args[i].v.startsWith('-') && args[i].v !== '(' && args[i].v !== '!'; i++) paths.push(args[i].v);
  if (!paths.length) paths.push('.');
  let filtered = false;
  let del = false;
  const execs: typeof args[] = [];
  for (; i < args.length; i++) {
    const a = args[i].v;
    if (a === '-exec' || a === '-execdir' || a === '-ok' || a === '-okdir') {
      let j = i + 1;
      while (j < args.length && args[j].v !== ';' && !(args[j].v === '+' && args[j - 1]?.v === '{}')) j++;
      execs.push(args.slice(i + 1, j));
      i = j;
    } else if (a === '-delete') del = true;
    else if (a === '-fprint' || a === '-fprint0' || a === '-fls' || a === '-fprintf') c.write(args[++i]?.v ?? '', `find ${a}`);
    else if (NARROWING.test(a)) filtered = true;
  }
  if (del) {
    c.add(APPROVE.FIND_DELETE, 'find -delete deletes every match');
    if (!filtered) for (const p of paths) hardlineScope(c, p, 'find -delete');
  }
  for (const inner of execs) c.run(inner, { findExec: { paths, unfiltered: !filtered } });
};

/** Parses a chmod mode: world-writable, setuid/setgid, adds execute. */
function modeBits(mode: string): { world: boolean; setid: boolean; exec: boolean } {
  if (/^[0-7]{1,4}$/.test(mode)) {
    const n = parseInt(mode, 8);
    return { world: (n & 0o002) !== 0, setid: (n & 0o6000) !== 0, exec: (n & 0o111) !== 0 };
  }
  let world = false;
  let setid = false;
  let exec = false;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m || m[2] === '-') continue;
    const who = m[1];
    if (m[3].includes('w') && (who.includes('o') || who.includes('a'))) world = true;
    if (m[3].includes('s') && (who === '' || who.includes('u') || who.includes('g') || who.includes('a'))) setid = true;
    if (m[3].includes('x')) exec = true;
  }
  return { world, setid, exec };
}

const chmod: Rule = (c) => {
  let recursive = false;
  let mode: string | null = null;
  const files: string[] = [];
  for (const a of c.args.slice(1)) {
    const v = a.v;
    if (mode === null && /^-[RvcfhHLP]+$/.test(v)) {
      if (v.includes('R')) recursive = true;
    } else if (v === '--recursive') recursive = true;
    else if (v.startsWith('--')) continue;
    else if (mode === null) mode = v;
    else files.push(v);
  }
  if (mode === null) return;
  const bits = modeBits(mode);
  if (bits.world) c.add(APPROVE.WORLD_WRITABLE, `chmod ${mode} lets every user write ${files.join(' ') || 'the files'}`);
  if (bits.setid) c.add(APPROVE.SETUID, `chmod ${mode} sets the setuid/setgid bit`);
  if (recursive) c.add(APPROVE.RECURSIVE_PERMS, `chmod -R changes permissions of whole trees (${files.join(' ')})`);
  if (bits.exec) for (const f of files) c.markExecutable(f);
};

const chown: Rule = (c) => {
  const o = parseOpts(c.args, { long: ['from', 'reference'] });
  if (o.has('R') || hasLong(o, 'recursive')) {
    const owner = o.pos[0]?.v ?? '';
    c.add(APPROVE.RECURSIVE_PERMS, `${c.name} -R changes ownership of whole trees${/^root\b|^0(?::|$)/.test(owner) ? ' to root' : ''}`);
  }
};

const COPY_SPECS: Record<string, { short: string; long: string[] }> = {
  cp: { short: 'tS', long: ['target-directory', 'suffix', 'backup', 'sparse', 'reflink', 'preserve', 'no-preserve'] },
  mv: { short: 'tS', long: ['target-directory', 'suffix', 'backup'] },
  install: { short: 'gmotSC', long: ['group', 'mode', 'owner', 'target-directory', 'suffix', 'strip-program'] },
  ln: { short: 'tS', long: ['target-directory', 'suffix', 'backup'] },
  rsync: { short: 'eTfBM', long: ['rsh', 'exclude', 'include', 'filter', 'rsync-path', 'files-from', 'log-file', 'temp-dir', 'compare-dest', 'link-dest', 'copy-dest', 'chmod', 'chown', 'password-file', 'port', 'timeout', 'partial-dir', 'backup-dir', 'suffix', 'exclude-from', 'include-from', 'max-size', 'min-size', 'bwlimit'] },
  scp: { short: 'cFiJlLoPS', long: [] },
};

const copy: Rule = (c) => {
  const spec = COPY_SPECS[c.name];
  const o = parseOpts(c.args, spec);
  const pos = o.pos.map((a) => a.v);
  if (c.name === 'rsync') for (const e of [...(o.flags.get('e') ?? []), ...(o.flags.get('rsh') ?? []), ...(o.flags.get('rsync-path') ?? [])]) c.runScript(e);
  if (c.name === 'install' && o.has('d', 'directory')) {
    for (const p of pos) c.write(`${p}/.`, 'install -d');
    return;
  }
  const targetDir = o.val('t') ?? o.val('target-directory');
  let dest: string;
  let srcs: string[];
  if (targetDir !== undefined) {
    dest = targetDir;
    srcs = pos;
  } else if (pos.length >= 2) {
    dest = pos[pos.length - 1];
    srcs = pos.slice(0, -1);
  } else return;
  if ((c.name === 'scp' || c.name === 'rsync') && /^[^/]*:/.test(dest)) return;
  if (c.name === 'ln' && srcs.length === 1) c.markLink(srcs[0], dest);
  // `rsync --delete empty/ ~/` empties the destination: a recursive delete of it.
  if (c.name === 'rsync' && [...o.flags.keys()].some((k) => k.startsWith('delete') || k === 'remove-source-files')) hardlineScope(c, dest, 'rsync --delete');
  c.write(dest, c.name);
  // When dest is a directory the written file is dest/<basename of source>.
  for (const s of srcs) if (!/^[^/]*:/.test(s)) c.write(`${dest.replace(/\/+$/, '')}/${basename(s)}`, c.name);
  for (const s of srcs) {
    const n = cmdName(s);
    if (RENAMEABLE.test(n)) {
      c.markAlias(dest, n);
      c.markAlias(`${dest.replace(/\/+$/, '')}/${basename(s)}`, n);
    }
  }
  if (c.name === 'mv') {
    for (const s of srcs) {
      const abs = resolvePath(s, c.ctx, c.cwd);
      if (abs !== null && isSystemOrHomeDir(abs, c.ctx)) c.add(APPROVE.MOVE_SYSTEM_DIR, `mv moves ${s} away`);
      const hit = sensitiveWrite(s, c.ctx, c.cwd);
      if (hit && hit.key !== BLOCK.BLOCK_DEVICE) c.add(hit.key, `mv moves ${hit.what} away`);
    }
  }
};

const tee: Rule = (c) => {
  const o = parseOpts(c.args, { long: ['output-error'] });
  const input = o.pos.length ? c.stdin() : null;
  for (const a of o.pos) {
    c.write(a.v, 'tee');
    if (input?.content != null) c.markWritten(a.v, input.content, o.has('a', 'append'));
    if (input?.remote) c.markDownloaded(a.v);
  }
};

const truncate: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'sr', long: ['size', 'reference'] });
  const size = o.val('s') ?? o.val('size');
  const shrink = size !== undefined && /^(?:[<%/]?0+[KMGTPEZY]?i?B?|-.*)$/i.test(size);
  for (const a of o.pos) {
    c.write(a.v, 'truncate');
    if (shrink) c.truncation(a.v, `truncate -s ${size}`);
  }
};

const dd: Rule = (c) => {
  let input = false;
  for (const a of c.args.slice(1)) {
    if (a.v.startsWith('of=')) c.write(a.v.slice(3), 'dd of=');
    if (a.v.startsWith('if=')) input = true;
  }
  if (input) c.add(APPROVE.DISK_COPY, 'dd copies raw data');
};

const mkfs: Rule = (c) => c.add(BLOCK.MKFS, `${c.args[0].v} formats a filesystem`);

const BLOCK_DEV = /^\/dev\/(?:sd[a-z]|nvme\d|hd[a-z]|vd[a-z]|xvd[a-z]|mmcblk\d|dm-\d|md\d|disk\d|rdisk\d|mapper\/|disk\/by-)/i;

/** Tools whose only job is to wipe what they are pointed at. */
const wipe: Rule = (c) => {
  if (c.name === 'shred' && c.flags.findExec) {
    c.add(APPROVE.FIND_EXEC_RM, 'find -exec shred destroys every match');
    if (c.flags.findExec.unfiltered) for (const p of c.flags.findExec.paths) hardlineScope(c, p, 'find -exec shred');
  }
  if (c.name === 'shred' && c.flags.xargs) c.add(APPROVE.XARGS_RM, 'xargs feeds an unknown list of paths to shred');
  for (const a of c.args.slice(1)) {
    const real = a.v.startsWith('-') ? null : c.real(a.v);
    if (BLOCK_DEV.test(a.v) || (real && BLOCK_DEV.test(real))) c.add(BLOCK.BLOCK_DEVICE, `${c.name} overwrites the raw block device ${a.v}`);
    else if (c.name === 'shred' && !a.v.startsWith('-')) {
      const hit = sensitiveWrite(a.v, c.ctx);
      if (hit) c.add(hit.key, `shred destroys ${hit.what}`);
      else c.add(APPROVE.FILE_DESTROY, `shred overwrites ${a.v} so it cannot be recovered`);
    }
  }
};

const LIST_ONLY = new Set(['-l', '--list', 'print', '-p', '--print']);

const partition: Rule = (c) => {
  if (c.args.some((a) => LIST_ONLY.has(a.v))) return;
  if (c.args.some((a) => BLOCK_DEV.test(a.v))) c.add(APPROVE.PARTITION, `${c.name} edits a partition table`);
};

const mkswap: Rule = (c) => {
  if (c.args.some((a) => BLOCK_DEV.test(a.v))) c.add(BLOCK.BLOCK_DEVICE, 'mkswap formats a block device');
};

const SED_EXEC = /(?:^|[;\n{}])\s*(?:\d+|\$|\/[^/]*\/)?\s*e(?:\s|;|$)|s(.)(?:(?!\1)[^\\]|\\.)*\1(?:(?!\1)[^\\]|\\.)*\1[gpiImM0-9]*e/;
const SED_WRITE = /(?:^|[;\n])\s*(?:\d+|\$|\/[^/]*\/)?\s*w\s+(\S+)|s(.)(?:(?!\2)[^\\]|\\.)*\2(?:(?!\2)[^\\]|\\.)*\2[gpiImMe0-9]*w\s+(\S+)/;

const sed: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'efl', long: ['expression', 'file', 'line-length'] });
  const scripts = [...(o.flags.get('e') ?? []), ...(o.flags.get('expression') ?? [])];
  const explicit = scripts.length > 0 || o.has('f', 'file');
  if (!explicit && o.pos[0]) scripts.push(o.pos[0].v);
  const files = explicit ? o.pos : o.pos.slice(1);
  if (o.has('i') || hasLong(o, 'in-place')) for (const f of files) c.write(f.v, 'sed -i');
  for (const s of scripts) {
    if (SED_EXEC.test(s)) c.add(APPROVE.INLINE_CODE, 'sed runs a shell command (e command or s///e)');
    const w = SED_WRITE.exec(s);
    if (w) c.write(w[1] ?? w[3], 'sed w');
  }
};

const yq: Rule = (c) => {
  const o = parseOpts(c.args, { short: 'IoPp', long: ['indent', 'output-format', 'input-format', 'expression', 'from-file'] });
  if (o.has('i', 'inplace')) for (const a of o.pos.slice(1)) c.write(a.v, `${c.name} -i`);
};

const EDITOR_EXEC = /(?:^|[|\s:])(?:!|sh(?:ell)?\b|te?r?m?i?n?a?l?\b|py(?:thon)?3?\b|pyx?\b|lua\b|perl\b|ruby\b|call\s+system|system\s*\(|!\s*\w)/;

const editor: Rule = (c) => {
  for (let i = 1; i < c.args.length; i++) {
    const v = c.args[i].v;
    // `vim -c ':!rm -rf ~'`, `vim +'!sh'`, `--cmd`, `-S script`: editor commands that run a shell or code.
    const cmdText = v === '-c' || v === '--cmd' ? c.args[++i]?.v ?? '' : v.startsWith('+') ? v.slice(1) : null;
    if (cmdText !== null) {
      const bang = /^\s*:?\s*(?:\d*,?\d*)?\s*!(.*)$/.exec(cmdText);
      if (bang) c.runScript(bang[1]);
      if (EDITOR_EXEC.test(cmdText)) c.add(APPROVE.INLINE_CODE, `${c.name} runs an editor command that starts a shell or code (${cmdText})`);
      continue;
    }
    if (v === '-S' || v === '-u') {
      i++;
      c.add(APPROVE.INLINE_CODE, `${c.name} ${v} sources an editor script`);
      continue;
    }
    if (!v.startsWith('-')) c.write(v, `${c.name} (editor)`);
  }
};

/** zip -T -TT cmd / --unzip-command: the test command is a shell command. */
const zip: Rule = (c) => {
  for (let i = 1; i < c.args.length; i++) {
    const v = c.args[i].v;
    const prog = v === '-TT' || v === '--unzip-command' ? c.args[i + 1]?.v : v.startsWith('--unzip-command=') ? v.slice(16) : v.startsWith('-TT') && v.length > 3 ? v.slice(3).replace(/^=/, '') : undefined;
    if (prog === undefined) continue;
    c.runScript(prog);
    c.add(APPROVE.INLINE_CODE, `zip ${v} runs a program (${prog})`);
  }
};

function urlBasename(u: string): string {
  const noQuery = u.replace(/[?#].*$/, '');
  return basename(noQuery);
}

const curl: Rule = (c) => {
  const o = parseOpts(c.args, {
    short: 'odHXuTAeEFbcKwxrCmYyzQ',
    long: ['output', 'data', 'data-binary', 'data-raw', 'data-urlencode', 'data-ascii', 'header', 'request', 'user', 'upload-file', 'user-agent', 'referer', 'cert', 'key', 'config', 'write-out', 'proxy', 'range', 'cookie', 'cookie-jar', 'form', 'url', 'unix-socket', 'abstract-unix-socket', 'output-dir', 'connect-timeout', 'max-time', 'resolve', 'cacert', 'retry', 'limit-rate', 'json', 'oauth2-bearer', 'variable', 'proto', 'interface'],
  });
  for (const f of [...(o.flags.get('o') ?? []), ...(o.flags.get('output') ?? [])]) {
    if (f === '-') continue;
    c.write(f, 'curl -o');
    c.markDownloaded(f);
  }
  if (o.has('O', 'remote-name', 'remote-name-all')) for (const u of o.pos) c.markDownloaded(urlBasename(u.v));
  const sock = o.val('unix-socket') ?? '';
  if (sock && sensitiveWrite(sock, c.ctx)?.key === APPROVE.DOCKER_SOCKET) c.add(APPROVE.DOCKER_SOCKET, 'talks to the Docker API, which is root on the host');
};

const wget: Rule = (c) => {
  const o = parseOpts(c.args, {
    short: 'OoaPeTtwUlARDIXiBQ',
    long: ['output-document', 'output-file', 'append-output', 'directory-prefix', 'execute', 'timeout', 'tries', 'wait', 'user-agent', 'level', 'accept', 'reject', 'domains', 'input-file', 'base', 'quota', 'header', 'post-data', 'post-file', 'body-data', 'body-file', 'user', 'password', 'http-user', 'http-password', 'load-cookies', 'save-cookies', 'ca-certificate', 'certificate', 'private-key', 'method'],
  });
  const out = o.val('O') ?? o.val('output-document');
  if (out !== undefined) {
    if (out !== '-') {
      c.write(out, 'wget -O');
      c.markDownloaded(out);
    }
    return;
  }
  const prefix = o.val('P') ?? o.val('directory-prefix');
  for (const u of o.pos) {
    const f = urlBasename(u.v);
    c.markDownloaded(prefix ? `${prefix.replace(/\/+$/, '')}/${f}` : f);
    if (prefix) c.write(`${prefix.replace(/\/+$/, '')}/${f}`, 'wget -P');
  }
};

/** Archive extraction into a directory writes anything inside it. */
const TAR_EXEC = /^--(?:checkpoint-action|to-command|use-compress-program|rsh-command|info-script|new-volume-script|index-file)(?:=|$)/;
const COMPRESSORS = /^(?:gzip|gunzip|pigz|bzip2|pbzip2|lbzip2|xz|pixz|zstd|unzstd|lz4|lzip|lzop|brotli)(?:\s+-[-\w]+)*$/;

const extract: Rule = (c) => {
  let dir: string | undefined;
  if (c.name === 'tar') {
    for (let i = 1; i < c.args.length; i++) {
      const v = c.args[i].v;
      const m = TAR_EXEC.exec(v);
      let prog: string | undefined;
      if (m) prog = v.includes('=') ? v.slice(v.indexOf('=') + 1) : c.args[i + 1]?.v;
      else if (v === '-I') prog = c.args[i + 1]?.v;
      if (prog === undefined) continue;
      if (v.startsWith('--checkpoint-action')) prog = prog.replace(/^(?:exec|sleep|echo|ttyout|dot|bell|wait)=?/, (k) => (k.startsWith('exec') ? '' : '#'));
      if (COMPRESSORS.test(prog.trim())) continue;
      if (c.runScript(prog) === 0) c.add(APPROVE.INLINE_CODE, `tar ${v.split('=')[0]} runs a program (${prog})`);
    }
    const o = parseOpts(c.args, { short: 'CfbIKNgLTVX', long: ['directory', 'file', 'exclude', 'transform', 'owner', 'group', 'mode', 'use-compress-program', 'files-from', 'exclude-from'] });
    const first = c.args[1]?.v ?? '';
    const extracting = o.has('x', 'extract', 'get') || (/^[a-zA-Z]+$/.test(first) && first.includes('x'));
    if (!extracting) return;
    dir = o.val('C') ?? o.val('directory');
  } else {
    dir = parseOpts(c.args, { short: 'dxP' }).val('d');
  }
  if (dir === undefined) return;
  if (resolvePath(dir, c.ctx) === '/') c.add(APPROVE.SYSTEM_FILE, `${c.name} extracts over the root filesystem`);
  else c.write(`${dir.replace(/\/+$/, '')}/x`, `${c.name} extracting into ${dir}`);
};

export const FS_RULES: Record<string, Rule> = {
  rm, unlink: rm, rimraf: rm, find, chmod, chown, chgrp: chown, zip,
  cp: copy, mv: copy, install: copy, ln: copy, rsync: copy, scp: copy,
  tee, truncate, dd, mkfs, mkswap,
  wipefs: wipe, blkdiscard: wipe, shred: wipe, badblocks: wipe, hdparm: wipe,
  fdisk: partition, sfdisk: partition, cfdisk: partition, parted: partition, gdisk: partition, sgdisk: partition,
  sed, gsed: sed, yq, vi: editor, vim: editor, nvim: editor, nano: editor, emacs: editor, micro: editor, pico: editor,
  joe: editor, ed: editor, ex: editor, mcedit: editor, kak: editor, hx: editor, sudoedit: editor,
  curl, wget, tar: extract, bsdtar: extract, unzip: extract,
};
