// Reverse shells, tunnels that expose the machine, and well-known collection or paste endpoints.
import { table } from './common';

const p = table('network');
const PUBLIC_IP = String.raw`\b(?!(?:127|10|0)\.)(?!192\.168\.)(?!172\.(?:1[6-9]|2\d|3[01])\.)(?!169\.254\.)(?:\d{1,3}\.){3}\d{1,3}`;

export const NETWORK = [
  p('dev_tcp_shell', 'critical', 'bash /dev/tcp connection (reverse shell)', /\/dev\/(?:tcp|udp)\/[\w.-]+\/\d+/i),
  p('nc_exec_shell', 'critical', 'netcat handing a shell to the network', /\b(?:nc|ncat|netcat)\b[^\n]*\s-[a-z]*[ec]\s*["']?(?:\/bin\/)?(?:ba|z)?sh\b/i),
  p('mkfifo_shell', 'critical', 'named-pipe reverse shell', /\bmkfifo\s+[^\n]*\b(?:nc|ncat|netcat|openssl\s+s_client|telnet)\b/i),
  p('socat_exec', 'critical', 'socat connecting a shell to the network', /\bsocat\b[^\n]{0,200}?(?:exec|system):[^\n]{0,100}?\b(?:ba)?sh\b|^(?=.*\bsocat\b)(?=.*\btcp)(?=.*\bpty\b)/i),
  p('python_reverse_shell', 'critical', 'Python reverse shell',
    /os\.dup2\(\s*\w+\.fileno\(\)|pty\.spawn\(\s*["'](?:\/bin\/)?(?:ba|z)?sh["']|^(?=.*socket\.socket\()(?=.*\.connect\()(?=.*subprocess)/i),
  p('php_reverse_shell', 'critical', 'PHP reverse shell', /\bfsockopen\s*\([^\n]*(?:exec|shell_exec|system|proc_open|\/bin\/sh)/i),
  p('ruby_perl_reverse_shell', 'critical', 'Ruby or Perl reverse shell',
    /\bruby\s+-rsocket\b|\bperl\s+-e\s+["']?use\s+Socket\b|TCPSocket\.(?:new|open)\([^\n]*(?:exec|spawn|\/bin\/sh)/i),
  p('powershell_reverse_shell', 'critical', 'PowerShell TCP client (reverse shell)', /Net\.Sockets\.TCPClient\b/i),
  p('bind_shell', 'critical', 'netcat listener serving a shell', /\b(?:nc|ncat|netcat)\s+(?:-\w+\s+)*-\w*l\w*\b[^\n]*(?:\s-[a-z]*e\s|\|\s*(?:ba)?sh\b)/i),
  p('nc_listener', 'medium', 'netcat listener', /\b(?:nc|ncat|netcat)\s+(?:-\w+\s+)*-\w*l\w*\b/i),
  p('tunnel_service', 'high', 'exposes a local port to the internet through a tunnel',
    /\bngrok\s+(?:http|tcp|tls|start|authtoken)\b|\bcloudflared\s+(?:tunnel|access\s+tcp)\b(?!\s*[).,;:]|\s*$)|\bnpx\s+localtunnel\b|\blt\s+--port\b|\bserveo\.net\b|\blocalhost\.run\b|\bbore\s+local\b|\bpinggy\.io\b|\bplayit\.gg\b|\btailscale\s+funnel\b/i),
  p('ssh_reverse_tunnel', 'high', 'SSH remote port forward', /\bssh\s+[^\n]*\s-R\s*(?:\d+:)?[\w.]*:?\d+/),
  p('exfil_service', 'high', 'request-capture or out-of-band interaction service',
    /\b(?:webhook\.site|requestbin\.(?:com|net)|pipedream\.net|m\.pipedream|hookbin\.com|beeceptor\.com|interact\.sh|interactsh|oast\.(?:fun|pro|live|site|online|me)|burpcollaborator\.net|canarytokens\.com|dnslog\.cn|ceye\.io|requestcatcher\.com|postb\.in|ptsv2\.com)\b/i),
  p('paste_service', 'high', 'paste or anonymous file-drop site',
    /\b(?:pastebin\.com|paste\.ee|hastebin\.com|ghostbin\.|dpaste\.(?:org|com)|termbin\.com|ix\.io|sprunge\.us|0x0\.st|transfer\.sh|file\.io|paste\.rs|rentry\.co|privatebin\.net|temp\.sh)\b/i),
  p('discord_webhook', 'high', 'Discord webhook (common exfiltration sink)', /discord(?:app)?\.com\/api\/webhooks\/\d+/i),
  p('telegram_bot_send', 'medium', 'sends data through a Telegram bot', /api\.telegram\.org\/bot[^\n]*\/(?:sendDocument|sendMessage)/i),
  p('public_ip_port', 'high', 'network command to a hard-coded public IP and port',
    new RegExp(String.raw`(?:\b(?:curl|wget|nc|ncat|netcat|telnet|socat|iwr|Invoke-WebRequest)\b|\bfetch\(|requests\.\w+\(|\.connect\()[^\n]*${PUBLIC_IP}(?::\d+|["']?\s*,\s*\d+|\s+\d{2,5}\b)`, 'i')),
  p('public_ip_fetch', 'medium', 'network command to a hard-coded public IP',
    new RegExp(String.raw`\b(?:curl|wget|nc|ncat|iwr|Invoke-WebRequest)\b[^\n]*${PUBLIC_IP}`, 'i')),
  p('cloud_metadata', 'high', 'cloud instance metadata endpoint (instance credentials)', /169\.254\.169\.254|metadata\.google\.internal|100\.100\.100\.200/i),
  p('bind_all_interfaces', 'medium', 'listens on every interface', /\b0\.0\.0\.0(?::\d+)?\b|\bINADDR_ANY\b/),
  p('dns_tunnel_tool', 'high', 'DNS tunnelling tool', /\b(?:iodine|dnscat2?|dns2tcp)\b/i),
];
