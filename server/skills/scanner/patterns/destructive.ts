// Commands that wipe files, disks or the running system.
import { MENTIONED, table } from './common';

const p = table('destructive');
const RM_RECURSIVE = String.raw`\brm(?=[^\n;|&]*\s(?:-[a-zA-Z]*[rR]|--recursive))\s+(?:-{1,2}[\w-]+\s+)*`;
const END = String.raw`["']?(?=\s|;|&|\||\)|$)`;

export const DESTRUCTIVE = [
  p('rm_rf_root', 'critical', 'recursive delete of the filesystem root',
    new RegExp(`${RM_RECURSIVE}["']?/\\*?${END}`, 'i')),
  p('rm_rf_home', 'critical', 'recursive delete of the home folder',
    new RegExp(`${RM_RECURSIVE}["']?(?:~|\\$HOME|\\$\\{HOME\\}|/home/[\\w.-]+|/Users/[\\w.-]+)/?\\*?${END}`, 'i')),
  p('rm_rf_system_dir', 'critical', 'recursive delete of a system folder',
    new RegExp(`${RM_RECURSIVE}["']?/(?:etc|usr|bin|sbin|boot|lib|lib64|var|opt|root|home|sys|proc|dev|System|Library|Applications|Users)/?\\*?${END}`, 'i')),
  p('rm_no_preserve_root', 'critical', 'rm with --no-preserve-root', /--no-preserve-root\b/i),
  p('mkfs_device', 'critical', 'formats a block device', /\bmkfs(?:\.\w+)?\s+[^\n]*\/dev\//i),
  p('dd_to_device', 'critical', 'dd writes over a disk', /\bdd\s+[^\n]*\bof=\/dev\/(?:sd|hd|nvme|xvd|vd|mmcblk|disk|rdisk)/i),
  p('redirect_to_device', 'critical', 'redirect overwrites a disk device', />\s*\/dev\/(?:sd[a-z]|nvme\d|hd[a-z]|xvd[a-z]|vd[a-z]|mmcblk\d|disk\d)/i),
  p('fork_bomb', 'critical', 'fork bomb', /:\s*\(\s*\)\s*\{\s*:\s*\|\s*:\s*&\s*\}\s*;\s*:|\b(\w+)\s*\(\s*\)\s*\{\s*\1\s*\|\s*\1\s*&\s*\}/,
    // A hook or check that greps for the fork bomb to block it is a defence, not an attack.
    { rejectBefore: MENTIONED }),
  p('overwrite_system_file', 'critical', 'overwrites or appends to a core system file',
    /(?:>>?|\btee\b(?:\s+-a)?)\s*\/etc\/(?:passwd|shadow|gshadow|group|fstab|ld\.so\.preload)\b/i),
  p('chmod_777_root', 'critical', 'world-writable permissions on / or home',
    /\bchmod\s+(?:-R\s+)?(?:0?777|a\+rwx)\s+(?:\/|~|\$HOME)(?:\s|$)/i),
  p('find_delete_root', 'critical', 'find deletes from / or home', /\bfind\s+(?:\/|~|\$HOME)\s+[^\n]*(?:-delete\b|-exec\s+rm\b)/i),
  p('shred_wipe', 'high', 'shreds files or wipes filesystem signatures', /\b(?:shred|wipefs)\s+-/i),
  p('kill_all_processes', 'critical', 'kills every process', /\bkill\s+-(?:9|KILL)\s+-1\b|\bkillall5\b/i),
  p('windows_wipe', 'critical', 'formats or recursively deletes a Windows drive',
    /\bformat\s+[a-z]:(?:\s|$)|\b(?:del|erase)\s+(?:\/[sfq]\s+)+[a-z]:\\(?:\*|\s|$)|\brd\s+\/s\s+\/q\s+[a-z]:\\(?:\s|$)|Remove-Item\s+[^\n]*-Recurse[^\n]*\s[A-Z]:\\(?:\*|\s|$)/i),
  p('python_rmtree_root', 'critical', 'Python deletes / or the home folder',
    /shutil\.rmtree\(\s*(?:["']\/["']|["']~|os\.path\.expanduser\(\s*["']~["']\s*\)|Path\.home\(\)|os\.environ\[\s*["']HOME)/i),
  p('js_rm_root', 'critical', 'Node deletes / or the home folder',
    /\b(?:rmSync|rmdirSync|rm|rimraf)\(\s*(?:["']\/["']|os\.homedir\(\)|homedir\(\)|process\.env\.HOME)/i),
  p('python_rmtree', 'low', 'recursive delete from Python', /shutil\.rmtree\(/i),
  p('drop_database', 'medium', 'drops a database or schema', /\bDROP\s+(?:DATABASE|SCHEMA)\b/i),
  p('crontab_remove', 'high', "removes the user's crontab", /\bcrontab\s+-r\b/i),
  p('history_wipe', 'high', 'wipes shell history (covers tracks)',
    /\bhistory\s+-c\b|\bunset\s+HISTFILE\b|\bHISTFILE=\/dev\/null|\bexport\s+HISTSIZE=0\b|\brm\s+[^\n]*\.(?:bash|zsh)_history\b/i),
  p('log_wipe', 'high', 'wipes system logs',
    /(?:>\s*|truncate\s+-s\s*0\s+|\brm\s+(?:-\w+\s+)*)\/var\/log\/(?:auth|syslog|secure|wtmp|btmp|lastlog|messages)|\bwevtutil\s+cl\b/i),
  p('disable_security_tools', 'high', 'switches off host security tooling',
    /\bsetenforce\s+0\b|\bsystemctl\s+(?:stop|disable|mask)\s+(?:apparmor|firewalld|ufw|auditd|falcon-sensor)\b|\bufw\s+disable\b|Set-MpPreference\s+[^\n]*-Disable(?:RealtimeMonitoring|IOAVProtection)|\bspctl\s+--master-disable\b|\bcsrutil\s+disable\b/i),
];
