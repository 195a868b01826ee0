// A small list of prompt-injection and exfiltration phrasings. Text that lands in the system prompt (memory entries,
// SOUL.md, AGENTS.md, cursor rules) is checked against it: memory writes are refused, context files are flagged for
// the user. Patterns aim at phrasing that has no business in notes or project instructions, so ordinary prose such
// as "never commit .env" stays clean. The skills hub scanner is a separate, much larger list.

export interface InjectionFinding {
  /** Stable pattern id, e.g. `ignore_previous`. */
  id: string;
  /** Human-readable reason, e.g. `an instruction to ignore previous instructions`. */
  reason: string;
  /** 1-based line of the first match. */
  line: number;
  /** The matched text, shortened to 60 characters, invisible characters shown as \u escapes. */
  excerpt: string;
}

interface Pattern {
  id: string;
  reason: string;
  re: RegExp;
}

const SECRET_VAR = String.raw`\$\{?[A-Za-z_]*(?:KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)[A-Za-z_]*\}?`;
const NET_CMD = String.raw`\b(?:curl|wget|nc|ncat|netcat|scp|rsync|Invoke-WebRequest|Invoke-RestMethod)\b`;
const SSH_SECRET = String.raw`(?:~\/\.ssh\b|\$HOME\/\.ssh\b|\/\.ssh\/|\bid_(?:rsa|ed25519|ecdsa|dsa)\b)`;
const DOTENV = String.raw`(?:(?<![\w.])\.env\b|\.netrc\b|\.pgpass\b|\.aws\/credentials\b)`;

const PATTERNS: Pattern[] = [
  {
    id: 'ignore_previous',
    reason: 'an instruction to ignore previous instructions',
    re: /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|my\s+)?(?:previous|prior|above|earlier|preceding|former|original)\s+(?:instructions?|directions|directives|rules|prompts?|guidelines|context)\b/i,
  },
  {
    id: 'system_prompt_override',
    reason: 'a system-prompt override',
    re: /\b(?:new|updated|override|overriding|replace|replacing|ignore)\b[^.\n]{0,20}\bsystem\s+prompt\b|\bsystem\s+prompt\s+(?:override|update|is\s+now)\b|<\|?im_start\|?>\s*system|<\/?system>|^\s*\[?(?:SYSTEM|ADMIN)\s*(?:OVERRIDE|MESSAGE|INSTRUCTION)S?\]?\s*:/im,
  },
  {
    id: 'role_hijack',
    reason: 'a role hijack',
    re: /\byou\s+are\s+(?:now|no\s+longer)\b|\bfrom\s+now\s+on,?\s+you\s+(?:are|will\s+(?:be|act)|must\s+act)\b|\bact\s+as\s+(?:an?\s+)?(?:unrestricted|unfiltered|uncensored|jailbroken)\b|\b(?:DAN|developer|god)\s+mode\s+(?:enabled|activated|on)\b|\benable\s+(?:DAN|developer|god)\s+mode\b/i,
  },
  {
    id: 'leak_system_prompt',
    reason: 'a request to reveal the system prompt',
    re: /\b(?:reveal|print|output|repeat|show|leak|dump)\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|entire\s+|hidden\s+)?(?:system\s+prompt|hidden\s+instructions|initial\s+instructions)\b/i,
  },
  {
    id: 'bypass_safety',
    reason: 'an instruction to bypass safety rules',
    re: /\b(?:bypass|disable|turn\s+off|ignore|circumvent)\s+(?:all\s+|any\s+|your\s+|the\s+)?(?:safety|security|content|approval)\s+(?:filters?|restrictions|guidelines|checks|rules|prompts?)\b/i,
  },
  {
    id: 'deception_hide',
    reason: 'an instruction to hide something from the user',
    re: /\b(?:do\s+not|don'?t|never)\s+(?:tell|inform|notify|alert|mention\s+(?:this|it)\s+to|reveal\s+(?:this|it)\s+to)\s+the\s+user\b|\b(?:hide|conceal|keep)\s+(?:this|it)\s+(?:from|secret\s+from)\s+the\s+user\b|\bwithout\s+(?:telling|informing|notifying)\s+the\s+user\b/i,
  },
  {
    id: 'html_comment_injection',
    reason: 'a hidden HTML comment with instructions',
    re: /<!--(?:(?!-->)[\s\S]){0,2000}?(?:\bignore\b|\bdisregard\b|\binstructions?\b|\bsystem\s+prompt\b|\bassistant\b|\byou\s+(?:must|should|are|will)\b|\bexecute\b|\bcurl\b|\bwget\b|\bdo\s+not\s+tell\b|\bapi[_\s-]?key\b|\bpassword\b|\bsecret\b)(?:(?!-->)[\s\S]){0,2000}?-->/i,
  },
  {
    id: 'hidden_html',
    reason: 'hidden HTML text',
    re: /<(?:div|span|p|section)\b[^>]*style\s*=\s*["'][^"']*(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0)/i,
  },
  {
    id: 'exfil_secret_var',
    reason: 'a network command sending a secret variable',
    re: new RegExp(`${NET_CMD}[^\\n]*${SECRET_VAR}`, 'i'),
  },
  {
    id: 'read_ssh_keys',
    reason: 'reading SSH keys',
    re: new RegExp(
      String.raw`\b(?:cat|read|type|less|more|head|tail|base64|xxd|upload|send|exfiltrate|copy|cp|scp|print)\b[^\n]{0,80}${SSH_SECRET}|${SSH_SECRET}[^\n]{0,80}${NET_CMD}`,
      'i',
    ),
  },
  {
    id: 'exfil_env_file',
    reason: 'sending a secrets file (.env, credentials) over the network',
    re: new RegExp(
      String.raw`(?:${NET_CMD}|\b(?:upload|exfiltrate|send|post)\b)[^\n]{0,80}${DOTENV}|${DOTENV}[^\n]{0,80}(?:${NET_CMD}|\b(?:upload|exfiltrate)\b|\b(?:send|post)\s+(?:it|them|its\s+contents|the\s+contents|to)\b)`,
      'i',
    ),
  },
];

// Zero-width, bidi-control and tag characters hide text from a human reader while the model still sees it.
// ZWJ inside emoji sequences and ZWNJ between letters (Persian, Indic scripts) are ordinary text.
const INVISIBLE =
  /[\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069]|(?<!^)\uFEFF|[\u{E0000}-\u{E007F}]|(?<![\p{Extended_Pictographic}\u{FE0F}\u{1F3FB}-\u{1F3FF}])\u200D|\u200D(?!\p{Extended_Pictographic})|(?<![\p{L}\p{M}])\u200C|\u200C(?![\p{L}\p{M}])/u;

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function excerptOf(match: string): string {
  const visible = match
    .replace(/\s+/g, ' ')
    .replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]|[\u{E0000}-\u{E007F}]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
  return visible.length > 60 ? `${visible.slice(0, 57)}...` : visible;
}

/** Every pattern that matches `text`, once each (first occurrence), in pattern order. */
export function scanForInjection(text: string): InjectionFinding[] {
  const findings: InjectionFinding[] = [];
  for (const p of PATTERNS) {
    const m = p.re.exec(text);
    if (m) findings.push({ id: p.id, reason: p.reason, line: lineOf(text, m.index), excerpt: excerptOf(m[0]) });
  }
  const inv = INVISIBLE.exec(text);
  if (inv) {
    findings.push({
      id: 'invisible_unicode',
      reason: 'invisible Unicode characters',
      line: lineOf(text, inv.index),
      excerpt: excerptOf(inv[0]),
    });
  }
  return findings;
}

/** "a role hijack, invisible Unicode characters" — reasons joined for messages and BLOCKED markers. */
export function describeFindings(findings: InjectionFinding[]): string {
  return findings.map((f) => f.reason).join(', ');
}
