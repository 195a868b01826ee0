// Shapes shared by the threat patterns, the structural checks and every caller of the scanner.

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export type ThreatCategory =
  | 'exfiltration'
  | 'injection'
  | 'destructive'
  | 'persistence'
  | 'obfuscation'
  | 'network'
  | 'supply_chain'
  | 'privilege_escalation'
  | 'credential_access'
  | 'hardcoded_secret'
  | 'social_engineering'
  | 'execution'
  | 'mining'
  | 'traversal'
  | 'structural';

export interface ThreatPattern {
  id: string;
  category: ThreatCategory;
  severity: Severity;
  description: string;
  re: RegExp;
  /** Match against the whole file (for constructs spread over lines) instead of line by line. */
  multiline?: boolean;
  /** A match whose own text matches this is a placeholder or known-harmless form, not a finding. */
  reject?: RegExp;
  /** A match preceded (on its line) by text matching this is negated ("never …", "do not …"). */
  rejectBefore?: RegExp;
  /** A match followed (on its line) by text matching this is a harmless form (e.g. `| python3 -m json.tool`). */
  rejectAfter?: RegExp;
  /** Only files whose path matches this are checked. */
  onlyIn?: RegExp;
}

export interface ScanFinding {
  id: string;
  category: ThreatCategory;
  severity: Severity;
  description: string;
  /** Path relative to the scanned skill folder ('/'-separated). */
  file: string;
  /** 1-based; 0 for findings about the folder itself. */
  line: number;
  /** The offending line, shortened and with secret-shaped strings redacted. */
  excerpt: string;
}

export type Verdict = 'safe' | 'caution' | 'dangerous';

export interface ScanReport {
  verdict: Verdict;
  findings: ScanFinding[];
  filesScanned: number;
  counts: Record<Severity, number>;
}
