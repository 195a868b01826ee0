// Errors from sandbox file operations carry a POSIX code (`ENOENT`, `EACCES`, `EISDIR`, `ENOTDIR`, `EEXIST`,
// `ENOTEMPTY`, `EIO`) whatever the backend, so tools can react the same way locally, in Docker and over SSH.

export type SandboxErrorCode = 'ENOENT' | 'EACCES' | 'EISDIR' | 'ENOTDIR' | 'EEXIST' | 'ENOTEMPTY' | 'EINVAL' | 'EIO';

export class SandboxFsError extends Error {
  constructor(
    readonly code: SandboxErrorCode,
    readonly path: string,
    message?: string,
  ) {
    super(message ?? `${code}: ${DESCRIPTIONS[code]}, ${path}`);
    this.name = 'SandboxFsError';
  }
}

const DESCRIPTIONS: Record<SandboxErrorCode, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'file already exists',
  ENOTEMPTY: 'directory not empty',
  EINVAL: 'invalid argument',
  EIO: 'input/output error',
};

/** The POSIX code of an error thrown by any backend's file operations (Node's fs errors included). */
export function fsErrorCode(err: unknown): string | undefined {
  return (err as { code?: unknown })?.code && typeof (err as { code: unknown }).code === 'string'
    ? ((err as { code: string }).code)
    : undefined;
}
