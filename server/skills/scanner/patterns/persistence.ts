// Ways to make code run again later: cron, shell startup files, SSH keys, services, agent configuration.
import { table } from './common';

const p = table('persistence');
const RC = String.raw`\.(?:bashrc|zshrc|bash_profile|profile|zprofile|zshenv|bash_login|config/fish/config\.fish)\b`;

export const PERSISTENCE = [
  p('ssh_authorized_keys_write', 'critical', 'adds a key to authorized_keys (backdoor login)',
    /(?:>>?|\btee\b(?:\s+-a)?)\s*["']?[^\s"']*authorized_keys2?\b|authorized_keys2?["']?\s*\)?\s*,\s*["'][aw]\+?["']|authorized_keys[^\n]*\.(?:write|append)|appendFileSync\([^\n]*authorized_keys/i),
  p('sshd_config_change', 'high', 'changes the SSH server configuration',
    /(?:>>?|\btee\b|\bsed\s+-i)[^\n]*\/etc\/ssh\/sshd_config|\bPermitRootLogin\s+yes\b/i),
  p('cron_network_job', 'critical', 'scheduled job that downloads or connects out',
    /(?:\bcrontab\b|\/etc\/cron|\/var\/spool\/cron|cron\.d\/)[^\n]*(?:\bcurl\b|\bwget\b|\bnc\s|\/dev\/tcp|bash\s+-i|python3?\s+-c|base64)|(?:^|["'\s])(?:@reboot|@hourly|(?:[\d*\/,-]+\s+){4}[\d*\/,-]+)\s+[^\n]{0,200}?\b(?:curl|wget)\b[^\n]{0,200}?\|\s*(?:ba|z)?sh\b/i),
  p('cron_reboot', 'high', 'job that runs at every boot', /@reboot\b/i),
  p('crontab_install', 'medium', 'installs a crontab entry', /\|\s*crontab\s+-(?:\s|$)|\bcrontab\s+(?!-[lre]\b)[\w./~-]+/i),
  p('shell_rc_payload', 'critical', 'shell startup file gets a network, decode or alias payload',
    new RegExp(String.raw`^(?=.*\b(?:curl|wget|nc|ncat|base64|eval|python3?\s+-c|/dev/tcp|alias\s+(?:sudo|ssh|git|ls|cd)=))(?=.*(?:>>|\btee\s+-a)\s*\S*${RC})`, 'i')),
  p('shell_rc_modify', 'medium', 'appends to a shell startup file', new RegExp(String.raw`(?:>>|\btee\s+-a)\s*["']?\S*${RC}`, 'i')),
  p('alias_hijack', 'high', 'aliases a common command to something that captures or sends data',
    /\balias\s+(?:sudo|ssh|git|ls|cd|su|scp|curl)\s*=\s*["'][^"']*(?:\bcurl\b|\bwget\b|\bnc\b|\btee\b|base64|\/tmp\/|\$\()/i),
  p('systemd_unit_write', 'medium', 'writes a systemd unit', /(?:>|\btee\b|\bcp\b|\bmv\b|\binstall\b)[^\n]*(?:\/etc\/systemd\/system|\.config\/systemd\/user|\/lib\/systemd\/system)\/\S*\.(?:service|timer)/i),
  p('systemd_enable', 'medium', 'enables a service at boot', /\bsystemctl\s+(?:--user\s+)?enable\b/i),
  p('launchd_write', 'medium', 'writes a launchd agent or daemon', /(?:>|\btee\b|\bcp\b|\bmv\b|\bcat\b|\bplutil\b|\bdefaults\s+write\b)[^\n]*Library\/Launch(?:Agents|Daemons)\//i),
  p('launchctl_load', 'medium', 'loads a launchd job', /\blaunchctl\s+(?:load|bootstrap|submit)\b/i),
  p('init_script', 'high', 'writes an init or login script', /(?:>>?|\btee\b|\bcp\b|\bmv\b)[^\n]*\/etc\/(?:rc\.local|init\.d\/|profile\.d\/|update-motd\.d\/|xdg\/autostart)/i),
  p('ld_preload', 'critical', 'library preloading (injects code into every process)', /\/etc\/ld\.so\.preload|\bexport\s+LD_PRELOAD=/i),
  p('agent_config_tamper', 'critical', "changes the agent's own configuration, secrets or skills",
    /(?:(?:^|(?<=[\s;&|(]))\d?>>?|\btee\b|\bcp\b|\bmv\b|\bsed\s+-i|write_text|writeFileSync|appendFileSync|open\([^\n]*["'][aw]\+?["'])[^\n]*(?:\.hermes\/(?:config\.yaml|\.env|SOUL\.md|memories|skills\/)|HERMES_HOME\}?\/(?:config\.yaml|\.env|SOUL\.md|memories|skills)|\.claude\/settings|\.codex\/config|\.cursor\/rules|\.cursorrules|\.github\/copilot-instructions)/i),
  p('agent_instructions_write', 'high', 'writes into agent instruction or memory files',
    /(?:>>|\btee\s+-a)\s*\S*(?:AGENTS\.md|CLAUDE\.md|SOUL\.md|MEMORY\.md|USER\.md|\.cursorrules)\b/i),
  p('git_hooks_path_global', 'high', 'points every repository at a global hooks folder', /\bgit\s+config\s+--global\s+core\.hooksPath\b/i),
  p('git_config_global', 'low', 'changes global git configuration', /\bgit\s+config\s+--global\b/i),
  p('git_hook_write', 'medium', 'writes a git hook', /(?:>|\btee\b|\bcp\b|\bmv\b|chmod\s+\+x)[^\n]*\.git\/hooks\//i),
  p('windows_autorun', 'high', 'Windows autorun entry or scheduled task',
    /\breg(?:\.exe)?\s+add\s+[^\n]*\\CurrentVersion\\Run|New-ItemProperty[^\n]*CurrentVersion\\Run|\bschtasks(?:\.exe)?\s+\/create\b|Start\s*Menu\\Programs\\Startup|shell:startup|Register-ScheduledTask/i),
  p('python_startup_hook', 'high', 'Python startup hook (.pth or sitecustomize) that runs on every interpreter start',
    /(?:>|\btee\b|\bcp\b|write_text|open\()[^\n]*(?:sitecustomize\.py|usercustomize\.py|site-packages\/\S*\.pth)/i),
];
