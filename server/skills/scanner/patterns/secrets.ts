// Credentials written into the skill itself. Placeholders (xxxx, <token>, your-key, EXAMPLE) are not findings.
import { table } from './common';

const p = table('hardcoded_secret');
const PLACEHOLDER = /x{5,}|X{5,}|\.{3}|your|example|placeholder|0{8,}|\*{3,}|redacted|dummy|changeme|<[^>]*>|\$\{|\{\{|1234567890|abcdef(?:ghij)?/i;

export const SECRETS = [
  p('private_key_block', 'critical', 'embedded private key', /-----BEGIN\s+(?:RSA\s+|EC\s+|DSA\s+|OPENSSH\s+|ENCRYPTED\s+|PGP\s+)?PRIVATE\s+KEY(?:\s+BLOCK)?-----/),
  p('github_token', 'critical', 'GitHub token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/, { reject: PLACEHOLDER }),
  p('openai_key', 'critical', 'OpenAI-style API key', /\bsk-(?!ant-)(?:proj-|svcacct-|admin-|or-v1-)?[A-Za-z0-9_-]{32,}/, { reject: PLACEHOLDER }),
  p('anthropic_key', 'critical', 'Anthropic API key', /\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{40,}/, { reject: PLACEHOLDER }),
  p('aws_access_key', 'critical', 'AWS access key id', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, { reject: /EXAMPLE/ }),
  p('aws_secret_key', 'critical', 'AWS secret access key', /aws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9/+]{40}\b/i, { reject: /EXAMPLE|x{5,}/i }),
  p('slack_token', 'critical', 'Slack token', /\bxox[abposr]-\d+-[A-Za-z0-9-]{10,}/, { reject: PLACEHOLDER }),
  p('slack_webhook_url', 'high', 'Slack incoming-webhook URL', /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{20,}/, { reject: PLACEHOLDER }),
  p('stripe_live_key', 'critical', 'Stripe live key', /\b(?:sk|rk)_live_[0-9a-zA-Z]{20,}/, { reject: PLACEHOLDER }),
  p('google_api_key', 'high', 'Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/, { reject: PLACEHOLDER }),
  p('telegram_bot_token', 'high', 'Telegram bot token', /\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b/),
  p('discord_bot_token', 'high', 'Discord bot token', /\b[MNO][A-Za-z\d_-]{23,27}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,40}\b/),
  p('huggingface_token', 'critical', 'Hugging Face token', /\bhf_[A-Za-z0-9]{34,}\b/, { reject: PLACEHOLDER }),
  p('npm_token', 'critical', 'npm access token', /\bnpm_[A-Za-z0-9]{36}\b/, { reject: PLACEHOLDER }),
  p('gitlab_token', 'critical', 'GitLab personal access token', /\bglpat-[A-Za-z0-9_-]{20,}/, { reject: PLACEHOLDER }),
  p('sendgrid_key', 'critical', 'SendGrid API key', /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/),
  p('jwt_token', 'medium', 'JSON Web Token', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/),
  p('generic_secret_assignment', 'high', 'secret-looking value assigned in code or config',
    /\b(?:api[_-]?key|secret[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|password|passwd)["']?\s*[:=]\s*["'][A-Za-z0-9/+_\-!@#$%^&*.]{16,}["']/i,
    { reject: /your|example|xxx|changeme|placeholder|<|\$[{(A-Za-z_]|\{\{|dummy|test|fake|sample|redacted|\*\*\*|process\.env|os\.environ/i }),
  p('password_in_url', 'high', 'credentials embedded in a URL',
    /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@'"]+:([^/\s:@'"]{6,})@[\w.-]+/i,
    { reject: /:(?:password|pass|passwd|secret|pwd|\$|<|\{|\*+|x{3,}|changeme|hunter2|postgres|example)[^@]*@/i }),
];
