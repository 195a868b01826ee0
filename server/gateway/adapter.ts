// The contract every chat platform implements. An adapter only moves messages: it knows its platform's wire
// protocol, limits and formatting, and nothing about threads, pairing or delivery guarantees — the gateway owns
// those. Adding a platform means one folder that exports a PlatformAdapter; nothing else changes.

export type ChatType = 'dm' | 'group' | 'channel' | 'forum';

export interface Attachment {
  kind: 'photo' | 'document' | 'voice' | 'audio' | 'video';
  /** Platform file id, fetched with downloadFile. */
  fileId: string;
  fileName?: string;
  mimeType?: string;
  size?: number;
}

/** One message (or button tap) as the gateway sees it, whatever the platform. */
export interface InboundEnvelope {
  platform: string;
  /**
   * Durable position of this event in the platform's stream (Telegram: update_id). The gateway records the
   * envelope and only then tells the adapter it may move past it (see PlatformAdapter.commit).
   */
  cursor: number;
  chatId: string;
  chatType: ChatType;
  userId: string;
  userName: string;
  messageId: string;
  /** Forum topic / thread inside the chat, when the platform has them. */
  threadId?: string;
  text: string;
  attachments: Attachment[];
  replyTo?: { messageId: string; fromBot: boolean };
  /** The bot was @mentioned (or addressed by a command meant for it). */
  mentioned: boolean;
  /** Roles the sender holds in the server the message came from (Discord), for role allow lists. Never set in DMs. */
  roles?: string[];
  /** The channel a thread belongs to (Discord), so per-channel settings cover the threads in it. */
  parentChatId?: string;
  /** Set for an inline-button tap: the button's data and the id to answer the tap with. */
  callback?: { id: string; data: string; messageId: string };
}

export interface SendOptions {
  threadId?: string;
  replyTo?: string;
  /** Text is already in the platform's rich format (see format()); otherwise it is sent as plain text. */
  formatted?: boolean;
  buttons?: { text: string; data: string }[][];
  /** Stable per outgoing message (the outbox row): platforms with send idempotence (Discord nonces) use it. */
  idempotencyKey?: string;
}

/** What a send failure means for delivery. */
export type FailureKind =
  /** Nothing reached the platform, or it said "try again" (429, 5xx): safe to retry. */
  | 'transient'
  /** The platform refused for good (chat not found, bot blocked, bad request). */
  | 'permanent'
  /** The request may or may not have been applied (connection cut after sending). Retrying could duplicate. */
  | 'ambiguous'
  /** The platform rejected the rich formatting; the same text as plain text may pass. */
  | 'format';

export class PlatformError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    /** Seconds the platform asked us to wait (Telegram retry_after). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export interface PlatformCapabilities {
  edit: boolean;
  delete: boolean;
  buttons: boolean;
  typing: boolean;
  files: boolean;
  commandMenu: boolean;
  /** Buttons stop working this long after they are sent (Discord interactions: 15 min); prompts say so. */
  buttonTtlMs?: number;
  /**
   * How a user types one of the gateway's commands here, when not as `/name` (Slack: `/hermes ` — Slack keeps
   * messages starting with `/` for its own slash commands). Texts that tell the user what to type use it.
   */
  commandPrefix?: string;
}

export interface PlatformAdapter {
  readonly id: string;
  readonly capabilities: PlatformCapabilities;
  /** Longest message, in the platform's own length unit (see measure). */
  readonly maxMessageLength: number;
  /** Length as the platform counts it (Telegram: UTF-16 code units). */
  measure(text: string): number;
  /** Markdown → the platform's rich text. */
  format(markdown: string): string;
  /**
   * Connects and delivers inbound events to `onInbound` until `signal` aborts. Resolves when stopped; rejects when
   * the connection fails (the supervisor reconnects with backoff). `onInbound` resolves once the batch and the next
   * cursor (past every event fetched, including ones the adapter does not understand) are durably recorded; only
   * then may the adapter move its cursor past them. `onReady` is called once connected.
   *
   * A platform library that reconnects by itself within one run (discord.js resumes a dropped gateway socket)
   * reports it: `onLost(why)` when the connection is down and being re-established, then `onReady` again once it
   * is back — so the status shows the gap instead of a `ready` that is not true.
   */
  run(
    signal: AbortSignal,
    onInbound: (batch: InboundEnvelope[], nextCursor: number) => Promise<void>,
    onReady: () => void,
    onLost?: (why: string) => void,
  ): Promise<void>;
  /** Where to resume after a restart (persisted by the gateway). Platforms without a stream offset ignore it. */
  setCursor(cursor: number): void;
  send(chatId: string, text: string, opts?: SendOptions): Promise<{ messageId: string }>;
  edit(chatId: string, messageId: string, text: string, opts?: SendOptions): Promise<void>;
  delete(chatId: string, messageId: string): Promise<void>;
  sendFile(chatId: string, name: string, data: Buffer, opts?: { threadId?: string; caption?: string }): Promise<{ messageId: string }>;
  typing(chatId: string, threadId?: string): Promise<void>;
  answerCallback(callbackId: string, text: string): Promise<void>;
  setCommands(commands: { command: string; description: string }[]): Promise<void>;
  downloadFile(fileId: string): Promise<Buffer>;
}
