// Instructions aimed at the *user*: run this installer, paste this into PowerShell, turn off your antivirus,
// give me your password. These are how "ClickFix"-style lures spread through documents an agent relays.
import { NEGATED, table } from './common';

const p = table('social_engineering');
const FETCH_EXEC = String.raw`(?:(?:curl|wget)\b[^\n]{0,300}?\|\s*(?:sudo\s+)?(?:ba|z)?sh\b|\b(?:iex|Invoke-Expression)\b|\b(?:iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b[^\n]{0,300}?\||\bmshta\s+https?|\b(?:powershell|pwsh)(?:\.exe)?\s+[^\n]{0,300}?-(?:e|enc|encodedcommand|w\s+hidden)\b|\bcertutil\s+[^\n]{0,300}?-urlcache|\bbitsadmin\s+/transfer|base64\s+(?:-d|--decode))`;

export const SOCIAL = [
  p('user_run_fetch_exec', 'critical', 'tells the user to run a download-and-execute command in their own shell',
    new RegExp(String.raw`\b(?:run|paste|type|enter|execute|copy)\b[^\n]{0,80}\b(?:terminal|shell|powershell|command\s+prompt|cmd(?:\.exe)?|console|run\s+dialog|win\s*\+\s*r|command\s+line)\b[\s\S]{0,400}?${FETCH_EXEC}`, 'i'),
    // `curl ... | bash` with a placeholder is an example in a sentence, not a command.
    { multiline: true, reject: /\b(?:curl|wget)\s+(?:\.\.\.|\u2026|<)/i }),
  p('paste_into_powershell', 'high', 'tells the user to paste something into PowerShell, cmd or the Run dialog',
    /\b(?:paste|copy|type|enter)\b[^\n]{0,60}\b(?:into|in)\s+(?:a\s+|an\s+|the\s+|your\s+)?(?:elevated\s+|admin(?:istrator)?\s+)?(?:powershell|windows\s+terminal|command\s+prompt|cmd(?:\.exe)?|run\s+(?:dialog|box|window)|win\s*\+\s*r)\b/i,
    { rejectBefore: NEGATED }),
  p('win_r_lure', 'critical', 'press Win+R and paste (ClickFix lure)',
    /\b(?:press|hit|open|use)\s+(?:the\s+)?(?:win(?:dows)?\s*(?:key)?\s*\+\s*r|\u229E\s*\+\s*r)\b[\s\S]{0,200}?\b(?:paste|ctrl\s*\+\s*v|type)\b/i,
    { multiline: true }),
  p('user_terminal_paste', 'medium', 'tells the user to paste a command into their terminal',
    /\b(?:paste|copy)\s+(?:this|the\s+following|these|it|the\s+command)\b[^\n]{0,40}\b(?:into|in)\s+(?:your|a|the)\s+(?:terminal|shell)\b/i),
  p('download_run_binary', 'high', 'tells the user to download and run a program',
    /\b(?:download|get|grab|fetch)\b[^\n]{0,80}\b(?:and|then)\s+(?:run|execute|open|launch|install|double-click)\b[^\n]{0,160}(?:https?:\/\/\S+\.(?:exe|msi|dmg|pkg|scr|bat|ps1|vbs|jar|appimage|sh|run|bin)\b|\.(?:exe|msi|scr|bat|ps1|vbs)\b)/i),
  p('disable_protection_instruction', 'high', 'tells the user to switch off antivirus, firewall or Gatekeeper',
    /\b(?:disable|turn\s+off|deactivate|pause|add\s+an?\s+exclusion\s+(?:in|to|for))\s+(?:your\s+|the\s+)?(?:windows\s+)?(?:defender|antivirus|anti-virus|firewall|gatekeeper|smartscreen|xprotect|edr|endpoint\s+protection)\b/i,
    { rejectBefore: NEGATED }),
  p('gatekeeper_bypass', 'high', 'removes the macOS quarantine flag or Gatekeeper checks', /\bxattr\s+(?:-\w+\s+)*-d\s+com\.apple\.quarantine\b|\bspctl\s+--add\b/i),
  p('run_as_admin_instruction', 'medium', 'tells the user to run something as administrator',
    /\b(?:run|open|launch)\s+(?:it|this|powershell|terminal|the\s+installer|cmd|the\s+script)\s+as\s+(?:an?\s+)?(?:administrator|admin|root)\b/i),
  p('fake_verification', 'high', 'fake human-verification step', /\b(?:verify|prove)\s+(?:that\s+)?you\s+are\s+(?:a\s+)?(?:human|not\s+a\s+robot)\b|\b(?:captcha|verification)\s+(?:step|code)\b[^\n]{0,80}\b(?:terminal|powershell|run\s+dialog)\b/i),
  p('ignore_warnings_instruction', 'medium', 'tells the user to ignore security warnings',
    /\b(?:ignore|dismiss|click\s+through|bypass)\s+(?:any\s+|the\s+|all\s+)?(?:security\s+|antivirus\s+|browser\s+)?(?:warnings?|alerts?)\b|\b(?:this|it)\s+(?:command\s+)?is\s+(?:completely\s+|totally\s+|100%\s+)?(?:safe|harmless)\b[^\n]{0,40}\b(?:run|paste|execute)\b/i,
    { rejectBefore: NEGATED }),
  p('ask_for_secret_in_chat', 'critical', 'asks the user to hand over a password, key or recovery phrase',
    /\b(?:send|give|share|paste|provide|tell|reply\s+with)\s+(?:me|us|the\s+(?:assistant|agent|bot))\s+(?:with\s+)?(?:your\s+)?(?:password|passphrase|seed\s+phrase|recovery\s+phrase|private\s+key|2fa\s+code|one-time\s+code|otp|login\s+credentials)\b|\bask\s+(?:the\s+user|them)\s+(?:for|to\s+(?:provide|share|send|paste|enter|type))\s+(?:their|the|your)\s+(?:(?:sudo|root|admin|login|account|system|macos|keychain)\s+)?(?:password|passphrase|seed\s+phrase|recovery\s+phrase|private\s+key|2fa\s+code)\b/i),
  p('seed_phrase_request', 'critical', 'wallet recovery phrase requested or moved', /\b(?:seed|recovery|mnemonic|secret)\s+(?:phrase|words)\b[^\n]{0,60}\b(?:send|enter|paste|give|share|upload|submit|type)\b|\b(?:send|enter|paste|give|share|upload|submit|type)\b[^\n]{0,40}\b(?:seed|recovery|mnemonic)\s+(?:phrase|words)\b/i,
    { rejectBefore: NEGATED }),
];
