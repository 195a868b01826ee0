// The JSON-RPC contract between the host and every client. This module (and only this module) is shared across
// the process boundary: the extension, the webview and the tests import it. Each method pairs a zod schema for its
// params with one for its result; TypeScript types are inferred from them and `toJsonSchema()` exports them.
import { z } from 'zod';
import * as common from './common';
import * as items from './items';
import * as thread from './thread';
import * as turn from './turn';
import * as requests from './requests';
import * as session from './session';
import * as notes from './notifications';
import * as config from './config';
import * as workspace from './workspace';
import * as commands from './commands';
import * as approvals from './approvals';
import * as gateway from './gateway';
import * as editorFs from './editor-fs';
import * as cron from './cron';
import * as mcp from './mcp';

export * from './common';
export * from './items';
export * from './thread';
export * from './turn';
export * from './requests';
export * from './session';
export * from './notifications';
export * from './config';
export * from './workspace';
export * from './commands';
export * from './approvals';
export * from './templates';
export * from './gateway';
export * from './cron';
export * from './mcp';
export * from './bridge';
export * from './follow';
export * from './editor-fs';

type Method = { params: z.ZodType; result: z.ZodType };
const m = <P extends z.ZodType, R extends z.ZodType>(params: P, result: R) => ({ params, result });
const Empty = session.Empty;

/** Client → host requests. */
export const clientRequests = {
  initialize: m(session.InitializeParams, session.InitializeResult),
  shutdown: m(z.unknown(), z.null()),
  'thread/start': m(thread.ThreadStartParams, thread.ThreadResult),
  'thread/resume': m(thread.ThreadResumeParams, thread.ThreadResult),
  'thread/list': m(thread.ThreadListParams, thread.ThreadListResult),
  'thread/read': m(thread.ThreadReadParams, thread.ThreadReadResult),
  'thread/fork': m(thread.ThreadForkParams, thread.ThreadResult),
  'thread/rollback': m(thread.ThreadRollbackParams, thread.ThreadRollbackResult),
  'thread/search': m(thread.ThreadSearchParams, thread.ThreadSearchResult),
  'thread/archive': m(thread.ThreadArchiveParams, thread.ThreadResult),
  'thread/rename': m(thread.ThreadRenameParams, thread.ThreadResult),
  'thread/delete': m(thread.ThreadDeleteParams, Empty),
  'thread/subscribe': m(thread.ThreadSubscribeParams, thread.ThreadSubscribeResult),
  'thread/unsubscribe': m(thread.ThreadSubscribeParams, thread.ThreadSubscribeResult),
  'thread/attachment': m(thread.ThreadAttachmentParams, thread.ThreadAttachmentResult),
  'turn/start': m(turn.TurnStartParams, turn.TurnStartResult),
  'turn/interrupt': m(turn.TurnInterruptParams, turn.TurnInterruptResult),
  'config/read': m(Empty, config.ConfigReadResult),
  'config/write': m(config.ConfigWriteParams, config.ConfigReadResult),
  'model/list': m(Empty, config.ModelListResult),
  'context/read': m(workspace.ContextReadParams, workspace.ContextReadResult),
  'memory/read': m(Empty, workspace.MemoryReadResult),
  'skills/list': m(workspace.SkillsListParams, workspace.SkillsListResult),
  'skills/read': m(workspace.SkillsReadParams, workspace.SkillsReadResult),
  'secret/set': m(workspace.SecretSetParams, Empty),
  'command/list': m(Empty, commands.CommandListResult),
  'command/run': m(commands.CommandRunParams, commands.CommandRunResult),
  'approvals/list': m(approvals.ApprovalsListParams, approvals.ApprovalsListResult),
  'gateway/status': m(Empty, gateway.GatewayStatusResult),
  'pairing/list': m(Empty, gateway.PairingListResult),
  'pairing/approve': m(gateway.PairingApproveParams, gateway.PairingApproveResult),
  'pairing/revoke': m(gateway.PairingRevokeParams, gateway.PairingRevokeResult),
  'pairing/deny': m(gateway.PairingDenyParams, gateway.PairingDenyResult),
  'cron/list': m(cron.CronListParams, cron.CronListResult),
  'cron/add': m(cron.CronAddParams, cron.CronJobResult),
  'cron/update': m(cron.CronUpdateParams, cron.CronJobResult),
  'cron/pause': m(cron.CronRefParams, cron.CronJobResult),
  'cron/resume': m(cron.CronRefParams, cron.CronJobResult),
  'cron/remove': m(cron.CronRefParams, cron.CronRemoveResult),
  'cron/run': m(cron.CronRunParams, cron.CronRunResult),
  'cron/status': m(Empty, cron.CronStatusResult),
  'cron/history': m(cron.CronHistoryParams, cron.CronHistoryResult),
  'mcp/status': m(Empty, mcp.McpStatusResult),
} satisfies Record<string, Method>;

/** Client → host notifications. */
export const clientNotifications = {
  initialized: Empty,
  exit: z.unknown(),
} satisfies Record<string, z.ZodType>;

/** Host → client notifications. */
export const serverNotifications = {
  'thread/started': notes.ThreadStartedNotification,
  'thread/updated': notes.ThreadUpdatedNotification,
  'thread/deleted': notes.ThreadDeletedNotification,
  'thread/compacted': notes.ThreadCompactedNotification,
  'turn/started': notes.TurnStartedNotification,
  'turn/completed': notes.TurnCompletedNotification,
  'item/started': notes.ItemStartedNotification,
  'item/updated': notes.ItemUpdatedNotification,
  'item/completed': notes.ItemCompletedNotification,
  'item/agentMessage/delta': notes.AgentMessageDeltaNotification,
  'item/reasoning/delta': notes.ReasoningDeltaNotification,
  'item/commandExecution/outputDelta': notes.CommandOutputDeltaNotification,
  'thread/tokenUsage/updated': notes.TokenUsageNotification,
  'thread/todo/updated': notes.TodoUpdatedNotification,
  'process/exited': notes.ProcessExitedNotification,
  'serverRequest/resolved': requests.ServerRequestResolved,
  'skills/changed': workspace.SkillsChangedNotification,
  'context/changed': workspace.ContextChangedNotification,
  'config/changed': config.ConfigChangedNotification,
  'gateway/statusChanged': gateway.GatewayStatusChangedNotification,
  'pairing/requested': gateway.PairingRequestedNotification,
  'cron/fired': cron.CronFiredNotification,
  'mcp/statusChanged': mcp.McpStatusChangedNotification,
} satisfies Record<string, z.ZodType>;

/** Host → client requests. */
export const serverRequests = {
  'approval/request': m(requests.ApprovalRequestParams, requests.ApprovalRequestResult),
  'clarify/request': m(requests.ClarifyRequestParams, requests.ClarifyRequestResult),
  'secret/request': m(workspace.SecretRequestParams, workspace.SecretRequestResult),
  'fs/readTextFile': m(editorFs.FsReadTextFileParams, editorFs.FsReadTextFileResult),
  'fs/writeTextFile': m(editorFs.FsWriteTextFileParams, editorFs.FsWriteTextFileResult),
} satisfies Record<string, Method>;

export type ClientRequests = typeof clientRequests;
export type ClientRequestMethod = keyof ClientRequests;
export type RequestParams<M extends ClientRequestMethod> = z.input<ClientRequests[M]['params']>;
export type RequestResult<M extends ClientRequestMethod> = z.infer<ClientRequests[M]['result']>;

export type ServerNotifications = typeof serverNotifications;
export type ServerNotificationMethod = keyof ServerNotifications;
export type NotificationParams<M extends ServerNotificationMethod> = z.infer<ServerNotifications[M]>;

export type ServerRequests = typeof serverRequests;
export type ServerRequestMethod = keyof ServerRequests;
export type ServerRequestParams<M extends ServerRequestMethod> = z.infer<ServerRequests[M]['params']>;
export type ServerRequestResult<M extends ServerRequestMethod> = z.infer<ServerRequests[M]['result']>;

/** A host notification as a tagged value, handy for clients that switch over them. */
export type AnyServerNotification = {
  [M in ServerNotificationMethod]: { method: M; params: NotificationParams<M> };
}[ServerNotificationMethod];

export { common, items, thread, turn, requests, session, notes, config, workspace, commands, gateway, cron, mcp };
