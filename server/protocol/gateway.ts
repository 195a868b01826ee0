// The messaging gateway: per-platform connection state and pairing, for `hermes-host gateway status`, VS Code
// and other clients of a host started with --gateway.
import { z } from 'zod';

export const GatewayPlatformStatus = z.object({
  platform: z.string(),
  state: z.enum(['connecting', 'ready', 'backing-off', 'failed', 'stopped']),
  since: z.number(),
  lastError: z.string().optional(),
  retryAt: z.number().optional(),
  attempts: z.number().int(),
});
export const GatewayStatusResult = z.object({
  /** False when this host was not started with --gateway. */
  running: z.boolean(),
  platforms: z.array(GatewayPlatformStatus),
  /** Outbox rows by state (pending, sending, sent, failed, unknown). */
  outbox: z.record(z.string(), z.number()),
});
export const GatewayStatusChangedNotification = GatewayPlatformStatus;

export const PairingListResult = z.object({
  pending: z.array(
    z.object({
      platform: z.string(),
      userId: z.string(),
      userName: z.string(),
      expiresAt: z.number(),
      /** When the user asked (their code was issued). */
      createdAt: z.number().optional(),
    }),
  ),
  approved: z.array(z.object({ platform: z.string(), userId: z.string(), userName: z.string(), approvedAt: z.number() })),
});
export const PairingApproveParams = z.object({ platform: z.string().min(1), code: z.string().min(1) });
export const PairingApproveResult = z.object({ userId: z.string(), userName: z.string() });
export const PairingRevokeParams = z.object({ platform: z.string().min(1), userId: z.string().min(1) });
export const PairingRevokeResult = z.object({ revoked: z.boolean() });
/** Drops a pending request without approving it (the user may ask again after the request interval). */
export const PairingDenyParams = z.object({ platform: z.string().min(1), userId: z.string().min(1) });
export const PairingDenyResult = z.object({ denied: z.boolean() });
/** An unknown user asked to pair and was given a code (the code itself stays between the bot and that user). */
export const PairingRequestedNotification = z.object({
  platform: z.string(),
  userId: z.string(),
  userName: z.string(),
  createdAt: z.number(),
  expiresAt: z.number(),
});
