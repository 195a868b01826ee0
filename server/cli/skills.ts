// `hermes-host skills …`: install skills from a git repository, a folder or a tarball after a security scan, and
// inspect, list, uninstall, audit and update them. Every step is recorded in skills/.hub/lock.json and audit.log.
import { Command } from 'commander';
import { homePaths, ensureHome } from '../config/home';
import { loadConfig } from '../config/load';
import { bundledSkillsDir } from '../skills/service';
import { DEFAULT_TRUSTED_SOURCES, SkillHub, SkillLibrary, formatFindings, type SkillInspection } from '../skills';

function hubFor(hermesHome: string): SkillHub {
  ensureHome(hermesHome);
  const p = homePaths(hermesHome);
  const config = loadConfig(p.config).config;
  return new SkillHub({
    skillsDir: p.skills,
    bundledDir: bundledSkillsDir(),
    trustedSources: [...DEFAULT_TRUSTED_SOURCES, ...config.skills.trusted_sources],
    library: new SkillLibrary(p.skills, { externalDirs: config.skills.external_dirs }),
  });
}

function describeInspection(i: SkillInspection): string {
  for (const w of i.warnings) process.stderr.write(`warning: ${w}\n`);
  return [
    `${i.name}${i.version ? ` ${i.version}` : ''}: ${i.description}`,
    `  source:   ${i.source.canonical}${i.source.subpath ? ` (${i.source.subpath})` : ''} → ${i.resolved}`,
    `  trust:    ${i.trust}`,
    `  files:    ${i.files.length} (${i.files.slice(0, 8).join(', ')}${i.files.length > 8 ? ', …' : ''})`,
    `  scan:     ${i.report.verdict} (${Object.entries(i.report.counts).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`).join(', ') || 'no findings'})`,
    ...(i.report.findings.length ? [formatFindings(i.report.findings).replace(/^/gm, '    ')] : []),
    `  decision: ${i.decision.action} (${i.decision.reason})`,
  ].join('\n');
}

export function skillsCommand(home: (cmd: Command) => string, fail: (e: unknown) => never): Command {
  const skills = new Command('skills').description('install, inspect, list, audit, update and uninstall skills');
  skills
    .command('inspect <source>')
    .description('fetch and scan a skill without installing it')
    .action(async (source: string, _o, cmd: Command) => {
      try {
        process.stdout.write(describeInspection(await hubFor(home(cmd)).inspect(source)) + '\n');
      } catch (e) {
        fail(e);
      }
    });
  skills
    .command('install <source>')
    .description('install from owner/repo/path, a git URL, a folder or a .tar.gz; community skills with findings are quarantined unless --force')
    .option('--force', 'install a community skill that has caution-level findings (never a dangerous one)')
    .option('--category <name>', 'category folder to install into')
    .action(async (source: string, opts, cmd: Command) => {
      try {
        const r = await hubFor(home(cmd)).install(source, { force: opts.force, category: opts.category });
        process.stdout.write(describeInspection(r) + `\n${r.status === 'installed' ? 'installed' : 'QUARANTINED'}: ${r.path}\n`);
        process.exit(r.status === 'installed' ? 0 : 3);
      } catch (e) {
        fail(e);
      }
    });
  skills
    .command('list')
    .description('list installed skills')
    .option('--source <source>', 'only skills from this source (hub)')
    .action((opts, cmd: Command) => {
      try {
        const h = home(cmd);
        if (opts.source === 'hub') {
          for (const e of hubFor(h).list({ source: 'hub' })) {
            const from = e.installedBy === 'hermes' ? '\t(installed by hermes)' : '';
            process.stdout.write(`${e.name}\t${e.status}\t${e.trust}\t${e.verdict}\t${e.source}${from}${e.modified ? '\t(modified)' : ''}${e.present ? '' : '\t(missing)'}\n`);
          }
          return;
        }
        const lib = new SkillLibrary(homePaths(h).skills);
        const l = lib.list({});
        for (const s of l.skills) process.stdout.write(`${s.name}\t${s.category ?? ''}\t${s.description}\n`);
        for (const e of l.errors) process.stderr.write(`broken: ${e.path}: ${e.reason}\n`);
        for (const w of l.warnings) process.stderr.write(`warning: ${w.reason}\n`);
      } catch (e) {
        fail(e);
      }
    });
  skills
    .command('uninstall <name>')
    .description('remove a hub-installed skill')
    .action(async (name: string, _o, cmd: Command) => {
      try {
        const r = await hubFor(home(cmd)).uninstall(name);
        for (const dir of r.removed) process.stdout.write(`uninstalled ${name}: removed ${dir}\n`);
        for (const dir of r.forgotten) process.stdout.write(`forgot ${name}: ${dir} was already gone\n`);
      } catch (e) {
        fail(e);
      }
    });
  skills
    .command('audit')
    .description('re-scan every installed skill; exit 1 if any that is not builtin-trusted is dangerous')
    .action(async (_o, cmd: Command) => {
      try {
        const entries = await hubFor(home(cmd)).audit();
        for (const a of entries) {
          const by = a.recordedBy === 'hermes' ? ', recorded by hermes' : '';
          process.stdout.write(`${a.verdict.padEnd(9)} ${a.name} (${a.provenance}${a.trust ? `, ${a.trust}` : ''}${by})\n`);
          if (a.report.findings.length) process.stdout.write(formatFindings(a.report.findings).replace(/^/gm, '    ') + '\n');
        }
        // Builtin skills (ours or Hermes's, unmodified) are reported but never fail the audit, as the install policy
        // never blocks them either.
        process.exit(entries.some((a) => a.verdict === 'dangerous' && a.trust !== 'builtin') ? 1 : 0);
      } catch (e) {
        fail(e);
      }
    });
  skills
    .command('update [name]')
    .description('re-fetch hub skills from their source (all, or one)')
    .option('--force', 'accept caution-level findings in the new version')
    .action(async (name: string | undefined, opts, cmd: Command) => {
      try {
        const results = await hubFor(home(cmd)).update(name, { force: opts.force });
        for (const r of results) process.stdout.write(`${r.status.padEnd(11)} ${r.name}${r.reason ? `: ${r.reason}` : ''}\n`);
        process.exit(results.some((r) => r.status === 'failed') ? 1 : 0);
      } catch (e) {
        fail(e);
      }
    });
  return skills;
}
