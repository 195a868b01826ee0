// What a command needs beyond the OS sandbox, read before it runs (server/sandbox/needs.ts).
import { describe, expect, test } from 'vitest';
import { predictSandboxNeeds } from '../../../server/sandbox/needs';
import type { Confinement } from '../../../server/sandbox/types';

const home = '/home/u';
const confinement = (network = true): Confinement => ({
  confined: true,
  writable: ['/work/ws', '/tmp', '/data/extra'],
  protected: [`${home}/.ssh`],
  network,
});
const need = (cmd: string, network = true) => predictSandboxNeeds(cmd, { confinement: confinement(network), home });

describe('predictSandboxNeeds', () => {
  test('writes inside the writable set, relative paths and devices need nothing', () => {
    for (const cmd of [
      'echo hi > /work/ws/a.txt',
      'echo hi > out.txt',
      'cp a b && mv b c',
      'cp -r src /tmp/copy',
      'ls ~ > /dev/null 2>&1',
      'touch /data/extra/x',
      'cat ~/.bashrc',
      'sed -i s/a/b/ file.txt',
      'rm -rf node_modules',
      'echo $HOME > "$OUT"',
      'tee -a /proc/self/fd/1 < x',
    ]) expect(need(cmd), cmd).toBeUndefined();
  });

  test('absolute and ~ writes outside the writable set are named', () => {
    expect(need('echo x >> ~/.bashrc')).toBe(`it needs writes ${home}/.bashrc, which the sandbox does not allow`);
    expect(need('mkdir -p /opt/tool')).toMatch(/writes \/opt\/tool/);
    expect(need('cp build/app /usr/local/bin/')).toMatch(/writes \/usr\/local\/bin/);
    expect(need('install -t ~/bin tool')).toMatch(/writes \/home\/u\/bin/);
    expect(need('ls | tee ~/list.txt')).toMatch(/writes \/home\/u\/list\.txt/);
    expect(need('sed -i -e s/a/b/ /etc/hosts')).toMatch(/writes \/etc\/hosts/);
    expect(need('dd if=x of=/srv/img bs=1M')).toMatch(/writes \/srv\/img/);
    expect(need('rm -f ~/old/*.log')).toMatch(/writes \/home\/u\/old/);
    expect(need('{ echo a; } > ~/grouped')).toMatch(/writes \/home\/u\/grouped/);
    expect(need('X=1 nice -n 5 touch /var/lib/thing')).toMatch(/writes \/var\/lib\/thing/);
    expect(need('echo $(touch ~/inner)')).toMatch(/writes \/home\/u\/inner/);
  });

  test('a function definition runs nothing; rsync to a remote host is no local write', () => {
    expect(need('f() { touch ~/later; }')).toBeUndefined();
    expect(need('rsync -a dist/ host:/srv/app')).toBeUndefined();
  });

  test('network programs matter only when the sandbox has no network', () => {
    expect(need('curl -fsS https://example.com', true)).toBeUndefined();
    expect(need('curl -fsS https://example.com', false)).toMatch(/the network/);
    expect(need('git clone https://x/y.git', false)).toMatch(/the network/);
    expect(need('git status', false)).toBeUndefined();
    expect(need('npm ci', false)).toMatch(/the network/);
    expect(need('npm test', false)).toBeUndefined();
  });

  test('several needs are listed once each; an unconfined sandbox needs nothing', () => {
    expect(need('touch ~/a ~/a /opt/b; curl x', false)).toBe(
      `it needs writes ${home}/a, writes /opt/b, the network (the sandbox has none), which the sandbox does not allow`,
    );
    expect(predictSandboxNeeds('touch /opt/x', { confinement: { ...confinement(), confined: false }, home })).toBeUndefined();
  });
});
