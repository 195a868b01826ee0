// approvals/list: the approval audit for clients (the CLI's `approvals log` reads the same rows from the file).
import { listAuditEntries } from '../approval/audit';
import type { Host } from '../host';
import type { ApprovalsListResult } from '../protocol';
import type { Handlers } from './connection';

export function approvalHandlers(host: Host): Pick<Handlers, 'approvals/list'> {
  return {
    'approvals/list': (p): ApprovalsListResult => listAuditEntries(host.store.db, p),
  };
}
