// One error type for every skills operation, so the tool and RPC layers can map `code` to a message for the model
// or a JSON-RPC error kind without parsing text.
import type { ScanFinding } from './scanner/types';

export type SkillErrorCode =
  | 'NotFound'
  | 'Exists'
  | 'InvalidName'
  | 'InvalidPath'
  | 'InvalidFrontmatter'
  | 'TooLarge'
  | 'NoMatch'
  | 'AmbiguousMatch'
  | 'ReadOnly'
  | 'Blocked'
  | 'SourceError'
  | 'InvalidArgument';

export class SkillError extends Error {
  constructor(
    readonly code: SkillErrorCode,
    message: string,
    /** Scanner findings when `code` is 'Blocked'. */
    readonly findings: ScanFinding[] = [],
  ) {
    super(message);
    this.name = 'SkillError';
  }
}
