// Gaining root or other users' rights.
import { table } from './common';

const p = table('privilege_escalation');

export const PRIVILEGE = [
  p('sudoers_nopasswd', 'critical', 'passwordless sudo rule', /\bNOPASSWD\s*:/),
  p('sudoers_write', 'critical', 'writes to the sudoers configuration', /(?:>>?|\btee\b(?:\s+-a)?|\bcp\b|\bmv\b|\bsed\s+-i|\bvisudo\s+-f)\s*[^\n]*\/etc\/sudoers/i),
  p('setuid_bit', 'critical', 'sets the setuid/setgid bit', /\bchmod\s+(?:-\w+\s+)*(?:[ugoa]*\+[rwxt]*s[rwxt]*|0?[2467][0-7]{3})\b/i),
  p('setcap_dangerous', 'high', 'grants powerful file capabilities', /\bsetcap\s+[^\n]*cap_(?:setuid|setgid|sys_admin|dac_override|dac_read_search|sys_ptrace|net_raw)/i),
  p('sudo_password_pipe', 'high', 'feeds a password to sudo on stdin', /\|\s*sudo\s+-S\b|\bsudo\s+-S\b/),
  p('sudo_root_shell', 'high', 'opens a root shell', /\bsudo\s+(?:su\b|-i\b|-s\b|bash\b|sh\b)|\bsu\s+root\b|\bsu\s+-\s*$/i),
  p('sudo_usage', 'low', 'uses sudo', /\bsudo\s+\w/),
  p('add_to_admin_group', 'high', 'adds a user to an administrative group', /\b(?:usermod|gpasswd|adduser)\s+[^\n]*\b(?:sudo|wheel|admin|root)\b/i),
  p('add_to_docker_group', 'medium', 'adds a user to the docker group (root-equivalent)', /\b(?:usermod|gpasswd|adduser)\s+[^\n]*\bdocker\b/i),
  p('uid0_user', 'critical', 'creates a second root account', /\b(?:useradd|adduser)\b[^\n]*(?:\s-u\s*0\b|--uid\s*0\b)|:0:0:[^\n]*>>\s*\/etc\/passwd/i),
  p('pkexec', 'high', 'pkexec privilege elevation', /\bpkexec\b/i),
  p('container_escape', 'critical', 'chroots into the host filesystem from a container', /\bchroot\s+\/(?:host|mnt\/host|rootfs)\b|nsenter\s+[^\n]*-t\s*1\b/i),
  p('windows_uac_bypass', 'high', 'known UAC bypass', /\b(?:fodhelper|eventvwr|computerdefaults|sdclt)\.exe\b|ms-settings\\shell\\open\\command/i),
  p('runas_elevation', 'medium', 'starts a process elevated', /Start-Process[^\n]*-Verb\s+RunAs/i),
  p('allowed_tools_field', 'low', 'skill pre-approves tools for itself', /^allowed[-_]tools\s*:/im),
];
