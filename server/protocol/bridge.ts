// The webview ↔ extension message contract (postMessage). The webview speaks the host protocol through the
// extension: `request` carries a host method (forwarded as is) or an `ext/*` method the extension answers itself;
// host notifications and host→client requests are passed down unchanged. Nothing else crosses this boundary.
import { z } from 'zod';

/** Methods the extension answers itself (IDE-side actions); every other method goes to the host. */
export const extMethods = {
  /** Open a workspace file in an editor. */
  'ext/openFile': { params: z.object({ path: z.string(), line: z.number().int().optional() }), result: z.object({}) },
  /** Show a file change of an item in VS Code's diff editor. */
  'ext/openDiff': {
    params: z.object({ path: z.string(), diff: z.string(), title: z.string().optional() }),
    result: z.object({}),
  },
  /** Workspace files for @mentions. */
  'ext/workspaceFiles': {
    params: z.object({ query: z.string(), limit: z.number().int().positive().max(200).optional() }),
    result: z.object({ files: z.array(z.string()) }),
  },
  /** Copy text to the clipboard. */
  'ext/copy': { params: z.object({ text: z.string() }), result: z.object({}) },
  /** Run a VS Code command the webview offers (set API key, open settings, create AGENTS.md, …). */
  'ext/command': { params: z.object({ command: z.string(), args: z.array(z.unknown()).optional() }), result: z.unknown() },
} as const;
export type ExtMethod = keyof typeof extMethods;

export const WebviewToExtension = z.discriminatedUnion('type', [
  /** The webview (re)loaded and wants the current state. */
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('request'), id: z.number().int(), method: z.string(), params: z.unknown() }),
  /** The answer to a host→client request shown in the webview (approval card, clarify question). */
  z.object({ type: z.literal('answer'), requestId: z.string(), result: z.unknown() }),
]);
export type WebviewToExtension = z.infer<typeof WebviewToExtension>;

export const ExtensionToWebview = z.discriminatedUnion('type', [
  /** Host connection state and what the webview needs to start. */
  z.object({
    type: z.literal('hello'),
    connected: z.boolean(),
    hermesHome: z.string().optional(),
    workspaceRoot: z.string().optional(),
    /** The thread the view showed before it was hidden, restored from the extension's state. */
    threadId: z.string().nullable().optional(),
  }),
  z.object({
    type: z.literal('response'),
    id: z.number().int(),
    result: z.unknown().optional(),
    error: z.object({ message: z.string(), code: z.number().optional(), kind: z.string().optional() }).optional(),
  }),
  z.object({ type: z.literal('notification'), method: z.string(), params: z.unknown() }),
  /** A host→client request the user may answer in the webview; `serverRequest/resolved` closes it. */
  z.object({ type: z.literal('serverRequest'), method: z.string(), params: z.unknown() }),
  /** Editor actions that drive the chat: run a skill, ask about a selection, new chat. */
  z.object({
    type: z.literal('command'),
    command: z.enum(['newChat', 'sendPrompt', 'focusInput', 'openThread']),
    text: z.string().optional(),
    threadId: z.string().optional(),
  }),
]);
export type ExtensionToWebview = z.infer<typeof ExtensionToWebview>;
