// Reading other people's keys: SSH and cloud credentials, keychains, browser stores, wallets, system secrets.
import { NEGATED, READ_VERB, rx, table } from './common';

const p = table('credential_access');

export const CREDENTIALS = [
  p('ssh_private_key_read', 'critical', 'reads an SSH private key',
    rx(String.raw`${READ_VERB}[^\n]*\.ssh/(?:id_(?:rsa|dsa|ecdsa|ed25519)(?!\.pub)\b|\*)`)),
  p('ssh_dir_copy', 'critical', 'copies or archives the whole ~/.ssh folder',
    /\b(?:cp\s+-\w*r\w*|tar|zip|rsync|scp\s+-\w*r\w*)\s+[^\n]*(?:~|\$HOME|\$\{HOME\}|\/root)\/\.ssh\/?(?:\s|$|["'])/i),
  p('ssh_dir_mention', 'medium', 'refers to ~/.ssh', /(?:~|\$HOME|\$\{HOME\}|\/root|homedir\(\)|expanduser\(\s*["']~)\/?\.ssh\b/i),
  p('aws_credentials_read', 'critical', 'reads AWS credentials', rx(String.raw`${READ_VERB}[^\n]*\.aws/(?:credentials|config)\b`)),
  p('aws_credentials_mention', 'medium', 'refers to the AWS credentials file', /\.aws\/credentials\b/i),
  p('cloud_credentials_read', 'high', 'reads cloud, registry or git credentials',
    rx(String.raw`${READ_VERB}[^\n]*(?:\.config/gcloud|application_default_credentials\.json|\.azure/|\.kube/config|\.docker/config\.json|\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.config/gh/hosts\.yml|\.terraform\.d/credentials)`)),
  p('gpg_secret_export', 'high', 'exports or reads GPG secret keys', rx(String.raw`\bgpg\s+[^\n]*--export-secret-keys|${READ_VERB}[^\n]*\.gnupg/`)),
  p('keychain_dump', 'critical', 'dumps the macOS keychain', /\bsecurity\s+(?:dump-keychain|export\s+-k)\b/i),
  p('keychain_password_read', 'high', 'reads a password from the macOS keychain', /\bsecurity\s+find-(?:generic|internet)-password\b[^\n]*\s-\w*[wg]\b/i),
  p('linux_keyring_read', 'high', 'reads secrets from a desktop keyring', /\bkwallet-query\b|\bkeyctl\s+(?:print|read|pipe)\b|\bsecret-tool\s+search\b[^\n]*--all/i),
  p('secret_tool_lookup', 'medium', 'reads a secret from the desktop keyring', /\bsecret-tool\s+lookup\b/i),
  p('browser_credential_store', 'critical', 'browser cookie or saved-password database',
    /(?:Google\/Chrome|google-chrome|chromium|BraveSoftware|Microsoft\/Edge|Microsoft Edge|Opera Software|Vivaldi)[^\n]*(?:Cookies|Login Data|Web Data|Local State)\b|\b(?:cookies\.sqlite|logins\.json|key[34]\.db|signons\.sqlite)\b/i),
  p('browser_profile_dir', 'high', 'browser profile folder',
    /Library\/Application Support\/(?:Google\/Chrome|Firefox|BraveSoftware)|\.mozilla\/firefox|\.config\/(?:google-chrome|chromium|BraveSoftware)|AppData\\(?:Local|Roaming)\\(?:Google\\Chrome|Mozilla\\Firefox|Microsoft\\Edge|BraveSoftware)/i),
  p('crypto_wallet', 'critical', 'cryptocurrency wallet files',
    /\bwallet\.dat\b|\.electrum\/wallets|\.ethereum\/keystore|exodus\.wallet|nkbihfbeogaeaoehlefnkodbefgpgknn|\bmetamask\b[^\n]*\b(?:vault|seed|extension\s+data)/i),
  p('proc_secrets', 'high', "reads another process's environment or memory", /\/proc\/(?:self|\d+|\$\w+|\*|\$\{\w+\})\/(?:environ|mem|maps)\b/i),
  p('shadow_file', 'critical', 'password hash database', /\/etc\/(?:shadow|gshadow|master\.passwd)\b/i),
  p('passwd_read', 'high', 'reads /etc/passwd', rx(String.raw`${READ_VERB}[^\n]*/etc/passwd\b`)),
  p('windows_credential_dump', 'critical', 'Windows credential dumping',
    /\b(?:mimikatz|sekurlsa|lsass(?:\.exe|\.dmp)?)\b|procdump[^\n]*lsass|\breg\s+save\s+hklm\\(?:sam|security|system)\b|\bntds\.dit\b|\bvaultcmd\s+\/list|\bcmdkey\s+\/list/i),
  p('shell_history_read', 'medium', 'reads shell history', /\b(?:cat|grep|less|tail|head)\s+[^\n]*\.(?:bash|zsh)_history\b/i),
  p('env_file_read', 'medium', 'prints a .env file', /\b(?:cat|less|more|head|tail|type|Get-Content|base64|xxd)\s+(?:[^\n|;]*\s)?["']?(?:\.\/|~\/|\$HOME\/)?[\w./-]*\.env(?![\w.-])/i),
  p('agent_secrets_read', 'critical', "reads the agent's own secrets file",
    new RegExp(String.raw`(?:${READ_VERB}|\bsource\b|<\s*|@|\bsend\b|\bupload\b|\bprint\b|\bshow\b)[^\n]{0,80}?(?:\.hermes/(?:\.env|auth\.json)\b|HERMES_HOME\}?/(?:\.env|auth\.json)\b)`, 'i'),
    { rejectBefore: NEGATED }),
  // Documentation of where Hermes keeps its keys names the file; that alone reads nothing.
  p('agent_secrets_path', 'low', "names the agent's own secrets file", /\.hermes\/(?:\.env|auth\.json)\b|HERMES_HOME\}?\/(?:\.env|auth\.json)\b/i),
  p('env_secret_grep', 'high', 'searches the environment for secrets', /\b(?:printenv|env|set)\s*\|\s*grep\s+(?:-\w+\s+)*["']?[^\n]*(?:key|token|secret|pass)/i),
  p('git_credential_fill', 'high', 'asks git for stored credentials', /\bgit\s+credential\s+fill\b|\bgit\s+credential-\w+\s+get\b/i),
];
