import { z } from 'zod';

export const ClientInfo = z.object({ name: z.string(), title: z.string().optional(), version: z.string().optional() });

/** What a client can do for the host. Unknown keys are ignored so older hosts accept newer clients. */
export const ClientCapabilities = z
  .object({
    approvals: z.boolean().optional(),
    clarify: z.boolean().optional(),
    /** The client can ask its user for a secret value (e.g. VS Code's input box); see `secret/request`. */
    secrets: z.boolean().optional(),
    /** IDE-side requests the client answers (`ide/openDiff`, …). */
    ide: z.array(z.string()).optional(),
  })
  .passthrough();

/** Hermes-specific handshake fields; LSP clients (vscode-languageclient) send them in `initializationOptions`. */
export const HermesInitOptions = z.object({
  clientInfo: ClientInfo.optional(),
  workspaceFolders: z.array(z.string()).optional(),
  hermesCapabilities: ClientCapabilities.optional(),
  /** Secrets the client holds (API keys from VS Code SecretStorage). Kept in memory only, never logged. */
  secrets: z.record(z.string(), z.string()).optional(),
  /** false in an untrusted editor workspace (VS Code Restricted Mode): its SOUL.md, AGENTS.md and rules are not loaded. */
  workspaceTrusted: z.boolean().optional(),
});

export const InitializeParams = z
  .object({
    clientInfo: ClientInfo.optional(),
    // LSP-shaped fields, so vscode-languageclient can perform the handshake unchanged.
    processId: z.number().int().nullable().optional(),
    rootUri: z.string().nullable().optional(),
    workspaceFolders: z
      .array(z.union([z.string(), z.object({ uri: z.string(), name: z.string().optional() })]))
      .nullable()
      .optional(),
    capabilities: z.record(z.string(), z.unknown()).optional(),
    initializationOptions: HermesInitOptions.optional(),
    hermesCapabilities: ClientCapabilities.optional(),
    secrets: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();
export type InitializeParams = z.infer<typeof InitializeParams>;

export const InitializeResult = z.object({
  serverInfo: z.object({ name: z.string(), version: z.string() }),
  protocolVersion: z.string(),
  hermesHome: z.string(),
  /** Present for LSP clients; the host advertises no language features. */
  capabilities: z.record(z.string(), z.unknown()),
  clientId: z.string(),
});

export const Empty = z.object({}).passthrough();
