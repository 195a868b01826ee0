// Building blocks shared by the threat pattern tables, kept as source strings so the tables read like the
// constructs they catch.
import type { Severity, ThreatCategory, ThreatPattern } from '../types';

/** `$OPENAI_API_KEY`, `${GITHUB_TOKEN}`, `$DB_PASSWORD` … */
export const SECRET_VAR = String.raw`\$\{?[A-Za-z_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|CREDS|PAT)[A-Za-z0-9_]*\}?`;
/** Files that hold credentials (relative or under the home folder). */
export const SECRET_FILE = String.raw`(?:\.env(?![\w.-])|\.ssh/(?:id_\w+|\*|authorized_keys)|~?/?\.ssh/?(?=[\s"'|;)]|$)|\.aws/(?:credentials|config)|\.netrc|\.git-credentials|\.kube/config|\.docker/config\.json|\.npmrc|\.pypirc|\.gnupg|\.config/gcloud|\.config/gh/hosts\.yml|\.hermes/(?:\.env|auth\.json)|/etc/shadow|Login Data|cookies\.sqlite|key4\.db|wallet\.dat)`;
/** Commands and calls that read a file's bytes. */
export const READ_VERB = String.raw`(?:\b(?:cat|less|more|head|tail|cp|scp|rsync|base64|xxd|od|tar|zip|7z|gzip|type|Get-Content|gc)\b|\bopen\(|read_text\(|read_bytes\(|readFileSync\(|readFile\(|fs\.read)`;
/** Things that send data off the machine. */
export const NET_SEND = String.raw`(?:\bcurl\b|\bwget\b|\bnc\b|\bncat\b|\bsocat\b|requests\.(?:post|put|get)|httpx\.(?:post|put|get)|urlopen|urllib\.request|\bfetch\(|axios|XMLHttpRequest|\.sendall?\(|Invoke-WebRequest|Invoke-RestMethod|\biwr\b|\birm\b|smtplib|sendmail)`;
/** "never …", "do not …" right before a phrase negate it: documentation warning against the thing. */
export const NEGATED = /(?:\b(?:never|not|no|avoid|without|refuse\s+to|must\s+not|should\s+not)|n't)\s+(?:\w+\s+){0,2}$/i;
/** Text before a match on its line that makes it a description of an option (`--flag` — what it does; a table cell). */
export const DESCRIBED = /(?:`[^`\n]*`\s*(?:\u2014|\u2013|-{1,2}|:|=)\s*|\|\s*)$/;
/** The match is being talked about (a detector, a block list, an example phrase), not used. */
export const MENTIONED = /(?:\bgrep\b|\bmatch(?:es|ing)?\b|\bpatterns?\b|\bregex|\bblock(?:s|ed|list|ing)?\b|\bdeny\b|\bforbid|\bdetect|\be\.g\.|\bsuch\s+as\b|\bphrases?\b|\blike\b)[^\n]*$/i;
/** One of several rejectBefore tests. */
export const anyOf = (...res: RegExp[]) => new RegExp(res.map((r) => `(?:${r.source})`).join('|'), 'i');

export function table(category: ThreatCategory) {
  return (
    id: string,
    severity: Severity,
    description: string,
    re: RegExp,
    extra: Pick<ThreatPattern, 'multiline' | 'reject' | 'rejectBefore' | 'rejectAfter' | 'onlyIn'> = {},
  ): ThreatPattern => ({ id, category, severity, description, re, ...extra });
}

export const rx = (src: string, flags = 'i') => new RegExp(src, flags);
