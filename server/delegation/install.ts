// Wires delegate_task into a host: the service, the tool, and (on the owning host) recovery of what a previous host
// left running.
import type { Host } from '../host';
import type { SandboxManager } from '../sandbox/types';
import { DelegationService } from './service';
import { createDelegateTool } from './tool';

export function installDelegation(host: Host, sandboxes: SandboxManager): DelegationService {
  const delegations = new DelegationService({
    threads: host.threads,
    store: host.store,
    events: host.events,
    registry: host.registry,
    config: () => host.config,
    env: () => host.env(),
    log: host.log.child('delegation'),
    followChild: (parent, child) => host.hub.followChild(parent, child),
    releaseChild: (child) => sandboxes.release(child),
  });
  host.registry.register(createDelegateTool({ delegations }));
  // Runs before threads shut down (disposers run in reverse): no notice turn starts while the host closes.
  host.onClose(() => delegations.close());
  // After the constructor has finished, so the host is whole when the notice turns start.
  if (host.owns) setImmediate(() => delegations.recover());
  return delegations;
}
