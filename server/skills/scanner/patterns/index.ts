// Every regex threat pattern, by category. Ids are unique and stable: findings, lock files and tests refer to them.
import type { ThreatPattern } from '../types';
import { CREDENTIALS } from './credentials';
import { DESTRUCTIVE } from './destructive';
import { EXECUTION } from './execution';
import { EXFILTRATION } from './exfiltration';
import { INJECTION } from './injection';
import { NETWORK } from './network';
import { OBFUSCATION } from './obfuscation';
import { PERSISTENCE } from './persistence';
import { PRIVILEGE } from './privilege';
import { SECRETS } from './secrets';
import { SOCIAL } from './social';
import { SUPPLY_CHAIN } from './supply-chain';

export const THREAT_PATTERNS: readonly ThreatPattern[] = [
  ...EXFILTRATION,
  ...INJECTION,
  ...DESTRUCTIVE,
  ...PERSISTENCE,
  ...OBFUSCATION,
  ...NETWORK,
  ...SUPPLY_CHAIN,
  ...PRIVILEGE,
  ...CREDENTIALS,
  ...SECRETS,
  ...SOCIAL,
  ...EXECUTION,
];
