// The rule table: command name → rule. Commands without a rule are allowed unless a generic check
// (writes through redirects, SQL in arguments, Hermes secrets, dynamic names) finds something.
import type { Rule } from './cmd';
import { CLOUD_RULES } from './rules-cloud';
import { DEV_RULES } from './rules-dev';
import { EXEC_RULES } from './rules-exec';
import { FS_RULES } from './rules-fs';
import { INTERP_RULES } from './rules-interp';
import { PROC_RULES } from './rules-proc';

export const RULES: ReadonlyMap<string, Rule> = new Map(Object.entries({ ...EXEC_RULES, ...INTERP_RULES, ...FS_RULES, ...PROC_RULES, ...DEV_RULES, ...CLOUD_RULES }));

export { initScript } from './rules-proc';
export { sqlInArgs, SQL_CLIENTS, scanSql } from './rules-dev';
