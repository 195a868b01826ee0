// Process spawning, in-memory code loading, mining and path tricks.
import { table } from './common';

const exec = table('execution');
const mining = table('mining');
const traversal = table('traversal');

export const EXECUTION = [
  exec('python_os_system', 'medium', 'runs a shell command from Python', /\bos\.(?:system|popen|exec[lv]p?e?)\s*\(/),
  exec('python_subprocess_shell', 'medium', 'subprocess with shell=True', /\bsubprocess\.\w+\([^\n]*shell\s*=\s*True/),
  exec('node_child_process', 'medium', 'Node child_process', /require\(\s*["'](?:node:)?child_process["']\s*\)|from\s+["'](?:node:)?child_process["']/),
  exec('java_runtime_exec', 'high', 'Runtime.exec', /Runtime\.getRuntime\(\)\.exec\(/),
  exec('shellcode_loader', 'critical', 'allocates executable memory (shellcode loader)',
    /\bVirtualAlloc(?:Ex)?\s*\(|PAGE_EXECUTE_READWRITE|mmap\.mmap\([^\n]*PROT_EXEC|ctypes\.(?:windll|CDLL|cdll)[^\n]*(?:VirtualAlloc|CreateThread|mprotect)/),
  exec('tmp_binary_exec', 'high', 'marks a file in /tmp executable and runs it', /chmod\s+\+x\s+\/(?:tmp|dev\/shm|var\/tmp)\/\S+\s*(?:&&|;)\s*\/(?:tmp|dev\/shm|var\/tmp)\//i),
  exec('nohup_shell_network', 'high', 'background job holding a network shell', /\bnohup\s+[^\n]*(?:\/dev\/tcp|\bnc\s|\bncat\b|bash\s+-i|python3?\s+-c)/i),
  exec('process_masquerade', 'high', 'disguises a process name', /\bexec\s+-a\s+["']?\[?k\w+|\bprctl\b[^\n]*PR_SET_NAME|\bmount\s+(?:-o\s+bind|--bind)\s+[^\n]*\/proc\/\d+/i),
  mining('crypto_miner', 'critical', 'cryptocurrency miner',
    /\b(?:xmrig|xmr-stak|minerd|cpuminer|cgminer|bfgminer|ethminer|nbminer|phoenixminer|lolminer)\b|stratum\+(?:tcp|ssl):\/\//i),
  mining('mining_indicators', 'medium', 'mining vocabulary', /\b(?:monero|cryptonight|randomx|hashrate|mining\s+pool|nicehash)\b/i),
  traversal('path_traversal_deep', 'high', 'deep relative path climbing out of the folder', /(?:\.\.\/){4,}|(?:\.\.\\){4,}/),
  traversal('path_traversal', 'low', 'relative path climbing out of the folder', /(?:\.\.\/){2,3}(?!\.\.)/),
  traversal('dev_shm', 'medium', 'uses /dev/shm (memory-backed staging)', /\/dev\/shm\//i),
];
