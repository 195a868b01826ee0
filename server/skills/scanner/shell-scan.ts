// Shell in a skill — script files and the shell blocks and inline commands of its markdown — judged by the same
// analysis the approval classifier gives the agent's own commands, so `r''m -rf ~`, `${c}m`, printf octal,
// `$'\x72\x6d'` and base64-to-a-file-then-bash are seen for what they run. Only what the classifier would refuse
// outright (block) is a finding: anything it would merely ask about is routine in real skills (rm -rf build/).
import { classifyCommand } from '../../approval/classifier/classify';
import type { ScanFinding } from './types';

const SHELL_EXT = /\.(?:sh|bash|zsh|ksh|command)$/i;
const SHELL_FENCE = /^(?:bash|sh|shell|zsh|console|terminal|shell-session|shellscript)$/i;
// A neutral home: the verdict must not depend on who runs the scan.
const OPTS = { home: '/home/user', hermesHome: '/home/user/.hermes', cwd: '/home/user/project' };

interface Snippet {
  line: number;
  code: string;
}

/** Shell code in a file: the whole file for scripts, fenced shell blocks and command-like inline code for markdown. */
export function shellSnippets(file: string, text: string): Snippet[] {
  if (SHELL_EXT.test(file) || /^#!.*\b(?:ba|z|k|da)?sh\b/.test(text)) return [{ line: 1, code: text }];
  if (!/\.(?:md|markdown|mdx|txt)$/i.test(file)) return [];
  const out: Snippet[] = [];
  const lines = text.split('\n');
  let fence: { lang: string; start: number; body: string[] } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const open = /^\s*(`{3,}|~{3,})\s*([\w-]*)/.exec(l);
    if (fence) {
      if (open && !open[2]) {
        if (SHELL_FENCE.test(fence.lang)) out.push({ line: fence.start + 1, code: fence.body.map((b) => b.replace(/^\s*\$ /, '')).join('\n') });
        fence = null;
      } else fence.body.push(l);
      continue;
    }
    if (open) {
      fence = { lang: open[2], start: i + 1, body: [] };
      continue;
    }
    for (const m of l.matchAll(/`([^`\n]{4,300})`/g)) if (/\s/.test(m[1])) out.push({ line: i + 1, code: m[1] });
  }
  return out;
}

export function shellFindings(file: string, text: string): ScanFinding[] {
  const out: ScanFinding[] = [];
  const seen = new Set<string>();
  for (const s of shellSnippets(file, text)) {
    let v;
    try {
      v = classifyCommand(s.code, OPTS);
    } catch {
      continue;
    }
    if (v.verdict !== 'block') continue;
    for (const r of v.reasons.filter((x) => x.severity === 'block')) {
      const codeLines = s.code.split('\n');
      const firstWord = r.part.trim().split(/\s+/)[0] ?? '';
      const at = codeLines.findIndex((l) => l.includes(r.part)) ?? -1;
      const near = at >= 0 ? at : Math.max(0, codeLines.findIndex((l) => firstWord && l.includes(firstWord)));
      const line = s.line + near;
      const key = `${r.key}:${line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        id: 'shell_analysis_block',
        category: 'destructive',
        severity: 'critical',
        description: `shell analysis: ${r.key} (${r.description})`,
        file,
        line,
        excerpt: (codeLines[near] ?? '').trim().slice(0, 200),
      });
    }
  }
  return out;
}
