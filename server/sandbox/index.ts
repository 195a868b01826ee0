// Public surface of the sandbox module: the manager the host wires in, the contract types, and helpers other
// modules reuse (environment scrubbing, POSIX error codes).
export type * from './types';
export { createSandboxManager, checkBackend, type SandboxManagerOptions } from './manager';
export { scrubEnv, isSecretEnvName, passthroughEnv } from './env-scrub';
export { SandboxFsError, fsErrorCode, type SandboxErrorCode } from './errors';
export { resolveSandboxPath } from './paths';
export { LocalSandbox } from './local';
export { DockerSandbox } from './docker';
export { SshSandbox } from './ssh';
