// Cloud and cluster CLIs (kubectl, helm, terraform, aws, gcloud, az, …) whose verbs delete remote resources, their
// exec bodies (commands run inside a pod), and Windows/PowerShell destructive commands reached through WSL or SSH.
import { parseOpts } from './argv';
import type { Cmd, Rule } from './cmd';
import { APPROVE } from './keys';

function positionals(c: Cmd, valueFlags: RegExp): string[] {
  const out: string[] = [];
  for (let i = 1; i < c.args.length; i++) {
    const v = c.args[i].v;
    if (v === '--') break;
    if (v.startsWith('-')) {
      if (!v.includes('=') && valueFlags.test(v)) i++;
      continue;
    }
    out.push(v.toLowerCase());
  }
  return out;
}

const KUBE_VALUE = /^(?:-n|--namespace|--context|--cluster|--kubeconfig|-l|--selector|-o|--output|-f|--filename|-c|--container|--user|-s|--server|--token)$/;

const kubectl: Rule = (c) => {
  const pos = positionals(c, KUBE_VALUE);
  const verb = pos[0];
  if (verb === 'exec' || verb === 'debug') {
    // The command after `--` runs inside the pod: judge it, and note that it leaves this machine.
    const dd = c.args.findIndex((a) => a.v === '--');
    if (dd > 0 && dd + 1 < c.args.length) {
      const before = c.args.slice(dd + 1);
      c.run(before);
    }
    return;
  }
  if (verb === 'delete' || verb === 'drain' || (verb === 'replace' && c.args.some((a) => a.v === '--force'))) {
    c.add(APPROVE.CLOUD_DESTROY, `${c.name} ${pos.slice(0, 3).join(' ')} deletes cluster resources`);
  } else if (verb === 'scale' && c.args.some((a) => /^--replicas=0$/.test(a.v))) {
    c.add(APPROVE.CLOUD_DESTROY, `${c.name} scale --replicas=0 stops a workload`);
  }
};

const helm: Rule = (c) => {
  const verb = positionals(c, /^(?:-n|--namespace|--kube-context|--kubeconfig)$/)[0];
  if (verb === 'uninstall' || verb === 'delete' || verb === 'del' || verb === 'un') c.add(APPROVE.CLOUD_DESTROY, `helm ${verb} removes a release`);
};

const terraform: Rule = (c) => {
  const pos = positionals(c, /^(?:-chdir)$/);
  const verb = pos[0];
  const destroyFlag = c.args.some((a) => a.v === '-destroy' || a.v === '--destroy');
  if (verb === 'destroy' || ((verb === 'apply' || verb === 'plan') && destroyFlag && verb === 'apply')) c.add(APPROVE.CLOUD_DESTROY, `${c.name} destroy deletes managed infrastructure`);
  else if (verb === 'state' && (pos[1] === 'rm' || pos[1] === 'push')) c.add(APPROVE.CLOUD_DESTROY, `${c.name} state ${pos[1]} rewrites infrastructure state`);
  else if (verb === 'workspace' && pos[1] === 'delete') c.add(APPROVE.CLOUD_DESTROY, `${c.name} workspace delete`);
};

const pulumi: Rule = (c) => {
  const pos = positionals(c, /^(?:-s|--stack|-C|--cwd)$/);
  if (pos[0] === 'destroy' || pos[0] === 'down' || (pos[0] === 'stack' && pos[1] === 'rm')) c.add(APPROVE.CLOUD_DESTROY, `pulumi ${pos.slice(0, 2).join(' ')} deletes infrastructure`);
};

const DELETE_VERB = /^(?:delete|remove|rm|rb|destroy|terminate|purge|deregister|disable|revoke|detach|drop|wipe|reset|uninstall)(?:[-_].*)?$|^(?:.*-)?(?:delete|terminate|remove|destroy|purge)(?:-.*)?$/;

/** aws/gcloud/az/doctl/…: any verb that deletes, terminates or removes. */
const cloudCli: Rule = (c) => {
  const pos = positionals(c, /^(?:--profile|--region|--project|--zone|-g|--resource-group|--output|-o|--subscription|--format|--account|--endpoint-url|--query)$/);
  if (c.name === 'aws' && pos[0] === 's3') {
    const verb = pos[1];
    if (verb === 'rb' || (verb === 'rm' && c.args.some((a) => a.v === '--recursive')) || (verb === 'sync' && c.args.some((a) => a.v === '--delete'))) {
      c.add(APPROVE.CLOUD_DESTROY, `aws s3 ${verb} deletes objects or buckets`);
    } else if (verb === 'rm') c.add(APPROVE.CLOUD_DESTROY, 'aws s3 rm deletes an object');
    return;
  }
  if ((c.name === 'gsutil' && (pos[0] === 'rm' || pos[0] === 'rb')) || pos.some((p) => DELETE_VERB.test(p))) {
    c.add(APPROVE.CLOUD_DESTROY, `${c.name} ${pos.slice(0, 4).join(' ')} deletes cloud resources`);
  }
};

// ---- Windows (WSL interop, SSH to Windows hosts, PowerShell) ----

const winFlags = (c: Cmd): string[] => c.args.slice(1).map((a) => a.v.toLowerCase());

const removeItem: Rule = (c) => {
  const f = winFlags(c);
  if (f.some((a) => /^-r(?:ecurse|ecur|ec)?$/.test(a)) || f.some((a) => a === '-force')) c.add(APPROVE.WINDOWS_DESTROY, `${c.args[0].v} deletes files recursively or by force`);
};

const rdDel: Rule = (c) => {
  const f = winFlags(c);
  if (f.some((a) => a === '/s' || a === '/q' || a === '/f')) c.add(APPROVE.WINDOWS_DESTROY, `${c.args[0].v} ${f.filter((a) => a.startsWith('/')).join(' ')} deletes files without asking`);
};

const winAlways: Rule = (c) => c.add(APPROVE.WINDOWS_DESTROY, `${c.args[0].v} changes disks, the registry or the machine's power state`);

const format: Rule = (c) => {
  if (c.args.slice(1).some((a) => /^[a-z]:\\?$/i.test(a.v))) c.add(APPROVE.WINDOWS_DESTROY, `format ${c.args[1].v} erases a drive`);
};

const reg: Rule = (c) => {
  const verb = c.args[1]?.v.toLowerCase();
  if (verb === 'delete' || verb === 'add' || verb === 'import' || verb === 'restore') c.add(APPROVE.WINDOWS_DESTROY, `reg ${verb} changes the Windows registry`);
};

/** `cmd.exe /c …`, `wsl -e …`, `wsl.exe -- …`: the rest is a command. */
const cmdExe: Rule = (c) => {
  const k = c.args.findIndex((a, i) => i > 0 && /^\/[ck]$/i.test(a.v));
  if (k > 0) c.runScript(c.args.slice(k + 1).map((a) => a.v).join(' '));
};

const wsl: Rule = (c) => {
  const k = c.args.findIndex((a, i) => i > 0 && (a.v === '-e' || a.v === '--exec' || a.v === '--'));
  if (k > 0) return c.run(c.args.slice(k + 1));
  const o = parseOpts(c.args, { short: 'du', long: ['distribution', 'user', 'cd'], stopAtPositional: true });
  if (o.rest < c.args.length) c.runScript(c.args.slice(o.rest).map((a) => a.v).join(' '));
};

export const CLOUD_RULES: Record<string, Rule> = {
  kubectl, oc: kubectl, k: kubectl, microk8s: kubectl, helm, terraform, tofu: terraform, terragrunt: terraform, pulumi,
  aws: cloudCli, gcloud: cloudCli, gsutil: cloudCli, az: cloudCli, doctl: cloudCli, linode: cloudCli, 'linode-cli': cloudCli,
  hcloud: cloudCli, flyctl: cloudCli, fly: cloudCli, heroku: cloudCli, vercel: cloudCli, netlify: cloudCli, oci: cloudCli,
  'remove-item': removeItem, ri: removeItem, rd: rdDel, del: rdDel, erase: rdDel, format, diskpart: winAlways,
  'stop-computer': winAlways, 'restart-computer': winAlways, 'clear-disk': winAlways, 'format-volume': winAlways,
  'remove-partition': winAlways, 'initialize-disk': winAlways, 'clear-recyclebin': winAlways, 'remove-itemproperty': winAlways,
  reg, 'cmd': cmdExe, wsl, bcdedit: winAlways, vssadmin: winAlways, cipher: rdDel, 'remove-computer': winAlways,
};
