// Code fetched and run without review: curl | sh, installs from URLs or unpinned names, lifecycle scripts.
import { MENTIONED, table } from './common';

const p = table('supply_chain');
const SHELL = String.raw`(?:sudo\s+(?:-\w+\s+)*)?(?:env\s+\S+\s+)?(?:/\w+)*/?(?:ba|z|da|k|fi)?sh\b`;

export const SUPPLY_CHAIN = [
  p('curl_pipe_shell', 'critical', 'downloads a script and pipes it into a shell',
    new RegExp(String.raw`\b(?:curl|wget|fetch)\b[^\n]*\|\s*${SHELL}`, 'i'),
    // `curl ... | bash` in a sentence about what a block list catches is a placeholder, not a command.
    { reject: /\b(?:curl|wget)\s+(?:\.\.\.|\u2026|<)/i, rejectBefore: MENTIONED }),
  p('curl_pipe_interpreter', 'critical', 'downloads code and pipes it into an interpreter',
    /\b(?:curl|wget)\b[^\n]*\|\s*(?:sudo\s+)?(?:python[23]?(?:\.\d+)?|perl|ruby|node|php)\b/i,
    // The download is the program's input, not its code, when the program is given on the command line
    // (`| python3 -m json.tool`, `| python3 -c "import json…"`, `| node -e '…'`) — unless that program evals stdin.
    { rejectAfter: /^\s+(?:-[A-Za-z]+\s+)*(?:-[cmeEpn]\b|--eval\b|--print\b)(?![^\n]*\b(?:exec|eval|compile|runpy|Function)\s*\()/ }),
  p('process_substitution_download', 'critical', 'runs a downloaded script through process substitution',
    /\b(?:(?:ba|z)?sh|source|\.)\s+<\(\s*(?:curl|wget)\b/i),
  p('shell_c_download', 'critical', 'runs the output of a download as a command',
    /\b(?:(?:ba|z)?sh\s+-c|eval)\s+["']?\$\(\s*(?:curl|wget)\b/i),
  p('powershell_download_exec', 'critical', 'PowerShell downloads and executes code',
    /\b(?:iex|Invoke-Expression)\b[^\n]*(?:DownloadString|Invoke-WebRequest|\biwr\b|\birm\b|Invoke-RestMethod|Net\.WebClient)|(?:DownloadString|\biwr\b|\birm\b|Invoke-WebRequest|Invoke-RestMethod)[^\n]*\|\s*(?:iex|Invoke-Expression)\b/i),
  p('download_then_execute', 'critical', 'downloads a file, then runs it',
    /\b(?:curl|wget)\b[^\n]{0,300}?\s(?:-o|-O|--output|--output-document)[= ]\s*["']?([^\s"';&|]+)["']?[^\n]{0,300}?(?:&&|;|\n)\s*(?:sudo\s+)?(?:(?:ba|z)?sh\s+|python3?\s+|source\s+|\.\s+)?["']?\1(?![\w./-])/i,
    { multiline: true }),
  p('mshta_certutil_download', 'critical', 'Windows living-off-the-land download',
    /\bmshta(?:\.exe)?\s+https?:|\bcertutil(?:\.exe)?\s+[^\n]*-urlcache|\bbitsadmin(?:\.exe)?\s+\/transfer|\bregsvr32\b[^\n]*\/i:https?:/i),
  p('unpinned_pip_install', 'medium', 'pip install without a pinned version',
    /\bpip3?\s+install\s+(?:--?(?!r\b|e\b|requirement\b|editable\b)[\w-]+\s+)*[A-Za-z][\w.\-[\]]*(?=\s|$)/i),
  p('pip_install_url', 'high', 'pip install from a URL or git repository', /\bpip3?\s+install\s+[^\n]*(?:git\+https?:\/\/|https?:\/\/\S+\.(?:whl|tar\.gz|zip))/i,
    // Installing a project from its GitHub/GitLab repository is routine for research code.
    { rejectAfter: /^(?:github\.com|gitlab\.com)\// }),
  p('pip_custom_index', 'high', 'pip pointed at a non-default package index',
    /\bpip3?\s+install\s+[^\n]*(?:--(?:extra-)?index-url|-i)\s+(?!https:\/\/(?:pypi\.org|download\.pytorch\.org|pypi\.nvidia\.com|pypi\.ngc\.nvidia\.com|data\.pyg\.org|wheels\.vllm\.ai|flashinfer\.ai)\b)\S+|\bpip3?\s+install\s+[^\n]*--trusted-host\b/i),
  p('npm_global_unpinned', 'medium', 'global npm install without a version', /\bnpm\s+(?:i|install)\s+(?:-g|--global)\s+(?![^\s]+@\d)[@\w/.-]+/i),
  p('npx_auto_yes', 'medium', 'npx -y runs a package without confirmation', /\bnpx\s+(?:-y|--yes)\s+/i),
  p('npm_install_url', 'high', 'npm install from a tarball URL or git', /\bnpm\s+(?:i|install)\s+[^\n]*(?:https?:\/\/\S+\.(?:tgz|tar\.gz)|git\+)/i),
  p('npm_lifecycle_network', 'high', 'package install script that downloads or spawns a shell',
    /"(?:preinstall|postinstall|install|prepare)"\s*:\s*"[^"]*(?:\bcurl\b|\bwget\b|node\s+-e|bash\s+-c|powershell|\|\s*sh\b)/i),
  p('pep723_inline_deps', 'medium', 'inline script dependencies resolved at run time', /^#\s*\/\/\/\s*script\b/i),
  p('uv_run_remote', 'medium', 'uv/uvx runs code from a URL', /\buvx?\s+(?:run\s+)?(?:--with\s+\S+\s+)*https?:\/\//i),
  p('docker_privileged', 'high', 'container with host-level access',
    /\bdocker\s+run\b[^\n]*(?:--privileged|\s-v\s+\/:\/|--volume[= ]\/:\/|--pid[= ]host)/i),
  p('docker_latest', 'low', 'container image without a pinned tag', /\bdocker\s+(?:pull|run)\s+[^\n]*:latest\b/i),
  p('untrusted_apt_source', 'high', 'apt source marked trusted or keys added without checks', /\[trusted=yes\]|--allow-unauthenticated\b/i),
  p('tls_verification_off', 'medium', 'TLS certificate checks turned off',
    /\bcurl\s+[^\n]*\s(?:-k|--insecure)\b|\bwget\s+[^\n]*--no-check-certificate\b|\bverify\s*=\s*False\b|NODE_TLS_REJECT_UNAUTHORIZED\s*=\s*["']?0|GIT_SSL_NO_VERIFY/i),
  p('git_clone_run_installer', 'medium', 'clones a repository and runs its installer',
    /\bgit\s+clone\s+\S+[^\n]{0,200}?(?:&&|;)[^\n]{0,200}?(?:\.\/install|\.\/setup|\b(?:ba)?sh\s+\S*install)/i),
];
