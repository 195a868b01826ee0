// The file tools' gate (write_file, patch): the same sensitive-path table the command rules use, applied to a
// path. Symlinks are resolved by the caller; raw paths (`~/x`, `$HOME/x`, relative to cwd, with `..`) work too.
import { makeCtx } from './classify';
import { APPROVE, severityOf } from './keys';
import { foldHomeForms, normalizeText } from './normalize';
import { sensitiveWrite } from './sensitive-paths';
import type { PathOptions, PathVerdict } from './types';

/**
 * Classifies a write to `path`. Project `.env` files do not ask here: the user sees the file tool's diff, and
 * creating a project's `.env` is ordinary work (commands writing them do ask, because they are not shown).
 */
export function classifyPath(path: string, opts: PathOptions = {}): PathVerdict {
  const ctx = makeCtx(opts);
  const text = foldHomeForms(normalizeText(path), ctx.homeRaw, ctx.hermesHomeRaw);
  const hit = sensitiveWrite(text, ctx, opts.cwd);
  if (!hit || hit.key === APPROVE.PROJECT_ENV) return { verdict: 'allow', reasons: [] };
  const severity = severityOf(hit.key);
  return { verdict: severity, reasons: [{ key: hit.key, severity, part: path, description: `writing ${path} changes ${hit.what}` }] };
}
