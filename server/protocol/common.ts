import { z } from 'zod';

/** Bumped on any breaking change to a method's params or result. */
export const PROTOCOL_VERSION = '1.0';

export const Id = z.string().min(1);

/** Token usage of one model call, a turn, or a thread. Cost is only known when the provider reports it. */
export const Usage = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
  cachedTokens: z.number().int().nonnegative().optional(),
  reasoningTokens: z.number().int().nonnegative().optional(),
  costUsd: z.number().nonnegative().nullable().optional(),
});
export type Usage = z.infer<typeof Usage>;

/** `data.kind` of every JSON-RPC error the host returns, and of failed turns. */
export const ErrorKind = z.enum([
  'ParseError',
  'InvalidRequest',
  'MethodNotFound',
  'InvalidParams',
  'NotInitialized',
  'AlreadyInitialized',
  'ThreadNotFound',
  'TurnInProgress',
  'NoActiveTurn',
  'ModelUnavailable',
  'ModelError',
  'ToolLoop',
  'MaxIterations',
  'Unauthorized',
  'Overloaded',
  'ConfigInvalid',
  'NotFound',
  'Internal',
]);
export type ErrorKind = z.infer<typeof ErrorKind>;

export const ErrorInfo = z.object({
  kind: ErrorKind,
  message: z.string(),
  /** HTTP status from the model provider, when the failure came from there. */
  httpStatus: z.number().int().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** JSON-RPC error codes paired with the kinds above. */
export const ErrorCodes: Record<ErrorKind, number> = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  Internal: -32603,
  NotInitialized: -32002,
  AlreadyInitialized: -32003,
  Overloaded: -32001,
  ThreadNotFound: -32010,
  TurnInProgress: -32011,
  NoActiveTurn: -32012,
  ModelUnavailable: -32020,
  ModelError: -32021,
  ToolLoop: -32022,
  MaxIterations: -32023,
  Unauthorized: -32030,
  ConfigInvalid: -32040,
  NotFound: -32041,
};
