// Checks what the host sends against the protocol's zod schemas: a result, a notification or a host→client request
// that does not parse, or that carries fields the schema does not declare, is a contract violation.
import { clientRequests, serverNotifications, serverRequests } from '../../server/protocol';

interface Schema {
  safeParse(x: unknown): { success: true; data: unknown } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** Paths of keys present in what was sent but dropped by the schema (undeclared fields). */
export function undeclared(sent: unknown, parsed: unknown, path = ''): string[] {
  if (Array.isArray(sent) && Array.isArray(parsed)) return sent.flatMap((v, i) => undeclared(v, parsed[i], `${path}[${i}]`));
  if (!sent || typeof sent !== 'object' || !parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(sent)) {
    const p = path ? `${path}.${k}` : k;
    if (!(k in parsed)) out.push(p);
    else out.push(...undeclared(v, (parsed as Record<string, unknown>)[k], p));
  }
  return out;
}

function check(what: string, schema: Schema | undefined, value: unknown): string | undefined {
  if (!schema) return `${what}: not in the protocol`;
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    return `${what} does not match its schema: ${issues}`;
  }
  const extra = undeclared(value, r.data);
  return extra.length ? `${what} has fields the schema does not declare: ${extra.join(', ')}` : undefined;
}

export function checkResult(method: string, result: unknown): string | undefined {
  const def = (clientRequests as Record<string, { result: Schema }>)[method];
  // Unknown methods are answered with MethodNotFound, never a result; tests send them on purpose.
  return def ? check(`result of ${method}`, def.result, result ?? null) : undefined;
}

export function checkNotification(method: string, params: unknown): string | undefined {
  return check(`notification ${method}`, (serverNotifications as Record<string, Schema>)[method], params);
}

export function checkServerRequest(method: string, params: unknown): string | undefined {
  return check(`request ${method}`, (serverRequests as Record<string, { params: Schema }>)[method]?.params, params);
}
