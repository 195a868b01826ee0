// Finding keys: stable, human-readable, used as approval and `command_allowlist` entries. Renaming one
// invalidates users' saved "always" decisions, so add new keys rather than rename.
import type { Severity } from './types';

export const BLOCK = {
  ROOT_DELETE: 'recursive delete of root filesystem',
  SYSTEM_DELETE: 'recursive delete of system directory',
  HOME_DELETE: 'recursive delete of home directory',
  MKFS: 'format filesystem (mkfs)',
  BLOCK_DEVICE: 'write to raw block device',
  FORK_BOMB: 'fork bomb',
  KILL_ALL: 'kill all processes',
  SHUTDOWN: 'system shutdown/reboot',
} as const;

export const APPROVE = {
  DELETE_ROOT_PATH: 'delete in root path',
  RECURSIVE_DELETE: 'recursive delete',
  XARGS_RM: 'xargs with rm',
  FIND_DELETE: 'find -delete',
  FIND_EXEC_RM: 'find -exec rm',
  MOVE_SYSTEM_DIR: 'move of system or home directory',
  WORLD_WRITABLE: 'world-writable permissions',
  SETUID: 'setuid/setgid permissions',
  RECURSIVE_PERMS: 'recursive permission change',
  DISK_COPY: 'disk copy (dd)',
  PARTITION: 'disk partitioning',
  SQL_DROP: 'SQL DROP',
  SQL_DELETE: 'SQL DELETE without WHERE',
  SQL_TRUNCATE: 'SQL TRUNCATE',
  SYSTEM_CONFIG: 'system config change',
  SYSTEM_FILE: 'system file change',
  SHELL_RC: 'shell rc file change',
  CREDENTIALS: 'credential file change',
  AUTHORIZED_KEYS: 'authorized_keys change (persistence)',
  AUTOSTART: 'autostart change (persistence)',
  SCHEDULED_JOB: 'scheduled job change (persistence)',
  HERMES_SECRETS: 'Hermes secrets change',
  HERMES_SECRETS_READ: 'Hermes secrets access',
  HOST_POLICY: 'host policy change',
  PROJECT_ENV: 'project env file change',
  DOCKER_SOCKET: 'docker socket access',
  REMOTE_TO_SHELL: 'pipe remote content to shell',
  DECODED_TO_SHELL: 'pipe decoded content to shell',
  PIPE_TO_SHELL: 'pipe into shell',
  INLINE_CODE: 'interpreter inline code',
  SHELL_C: 'shell -c',
  CHMOD_EXEC: 'chmod +x followed by execution',
  EXEC_DOWNLOADED: 'execute downloaded file',
  DYNAMIC_COMMAND: 'dynamic command name',
  SERVICE_STOP: 'stop/restart system service',
  FORCE_KILL: 'force kill processes',
  KILL_REGEX: 'kill processes by regex',
  KILL_BY_USER: 'kill processes by user',
  SELF_TERMINATION: 'kill host process (self-termination)',
  DOCKER_LIFECYCLE: 'docker container lifecycle',
  DOCKER_REMOVE: 'docker data removal',
  DOCKER_PRIVILEGED: 'privileged docker container',
  GIT_RESET_HARD: 'git reset --hard',
  GIT_FORCE_PUSH: 'git force push',
  GIT_CLEAN: 'git clean with force',
  GIT_BRANCH_D: 'git branch force delete',
  GIT_DISCARD: 'git discard working tree changes',
  SUDO_FLAG: 'sudo with privilege flag',
  SWITCH_USER: 'switch user (su)',
  FIREWALL: 'firewall change',
  NET_SHELL: 'reverse shell or raw network socket',
  TOO_DEEP: 'command too deeply nested',
  SECRET_READ: 'credential or secret read',
  CLOUD_DESTROY: 'cloud or cluster resource deletion',
  SHELL_STATE: 'persistent shell hook or command lookup change',
  FILE_DESTROY: 'file contents destroyed',
  GIT_EXEC_CONFIG: 'git config that runs commands',
  REMOTE_EXEC: 'remote command execution (ssh, container exec)',
  WINDOWS_DESTROY: 'Windows destructive command',
  SCRIPT_CODE: 'script that runs commands or deletes files',
  INTERACTIVE_CODE: 'input to an interactive interpreter',
  UNKNOWN_EXEC: 'workspace program run on paths outside the workspace',
} as const;

const blockKeys = new Set<string>(Object.values(BLOCK));

/** Hard-line keys can never be allowlisted; everything else asks. */
export function severityOf(key: string): Severity {
  return blockKeys.has(key) ? 'block' : 'approve';
}

export function isHardline(key: string): boolean {
  return blockKeys.has(key);
}
