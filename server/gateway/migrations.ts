// The gateway's tables (schema versions 10–14, 19, 20 and 23 are reserved for it). Everything the gateway must not lose lives
// here: what came in (deduped), how far each platform's stream was read, what must go out (a write-ahead outbox),
// who may talk to it (pairing), which thread each chat continues, home channels, and approval prompts in chats.
import type { Migration } from '../store/migrations';

export const gatewayMigrations: Migration[] = [
  {
    version: 10,
    name: 'gateway: inbound log, offsets, outbox, pairing, sessions, home channels, chat approvals',
    up(db) {
      db.exec(`
        -- One row per platform message; the primary key is the dedupe key. Rows are pruned after a window.
        CREATE TABLE gw_inbound (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          platform TEXT NOT NULL,
          chat_id TEXT NOT NULL,
          message_id TEXT NOT NULL,
          cursor INTEGER NOT NULL,
          envelope TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'pending',
          reply_message_id TEXT,          -- the streamed reply's message, reused if the host restarts mid-reply
          received_at INTEGER NOT NULL,
          done_at INTEGER,
          UNIQUE (platform, chat_id, message_id)
        );
        CREATE INDEX idx_gw_inbound_status ON gw_inbound(status, id);

        CREATE TABLE gw_offsets (platform TEXT PRIMARY KEY, cursor INTEGER NOT NULL, updated_at INTEGER NOT NULL);

        CREATE TABLE gw_outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          platform TEXT NOT NULL,
          chat_id TEXT NOT NULL,
          thread_id TEXT,
          kind TEXT NOT NULL,             -- send | edit | file
          target_message_id TEXT,         -- for edit
          text TEXT NOT NULL,
          formatted INTEGER NOT NULL DEFAULT 0,
          buttons TEXT,
          file_name TEXT,
          state TEXT NOT NULL DEFAULT 'pending',  -- pending | sending | sent | failed | unknown
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          last_error TEXT,
          platform_message_id TEXT,
          tag TEXT,                       -- what the message is for (reply, approval:<id>, notice, …)
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX idx_gw_outbox_due ON gw_outbox(state, next_attempt_at);

        CREATE TABLE gw_pairing_pending (
          platform TEXT NOT NULL,
          code_hash TEXT NOT NULL,
          salt TEXT NOT NULL,
          user_id TEXT NOT NULL,
          user_name TEXT NOT NULL,
          chat_id TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          PRIMARY KEY (platform, user_id)
        );
        CREATE TABLE gw_pairing_approved (
          platform TEXT NOT NULL,
          user_id TEXT NOT NULL,
          user_name TEXT NOT NULL,
          approved_at INTEGER NOT NULL,
          PRIMARY KEY (platform, user_id)
        );
        CREATE TABLE gw_pairing_requests (platform TEXT NOT NULL, user_id TEXT NOT NULL, last_at INTEGER NOT NULL, PRIMARY KEY (platform, user_id));
        CREATE TABLE gw_pairing_lockout (platform TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until INTEGER);

        CREATE TABLE gw_sessions (
          key TEXT PRIMARY KEY,
          platform TEXT NOT NULL,
          chat_id TEXT NOT NULL,
          thread_id TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX idx_gw_sessions_thread ON gw_sessions(thread_id);

        CREATE TABLE gw_home (platform TEXT PRIMARY KEY, chat_id TEXT NOT NULL, topic_id TEXT, set_at INTEGER NOT NULL);

        CREATE TABLE gw_approvals (
          short_id TEXT PRIMARY KEY,
          request_id TEXT NOT NULL,
          platform TEXT NOT NULL,
          chat_id TEXT NOT NULL,
          user_id TEXT NOT NULL,
          outbox_id INTEGER,
          state TEXT NOT NULL DEFAULT 'pending', -- pending | resolved | expired | gone
          decision TEXT,
          summary TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        );
        CREATE INDEX idx_gw_approvals_request ON gw_approvals(request_id);
      `);
    },
  },
  {
    version: 19,
    name: 'gateway: per-channel read marks and bot-started threads (Discord history backfill)',
    up(db) {
      db.exec(`
        -- The last message id seen in each channel (snowflakes, compared as integers by the adapter), so messages
        -- posted while disconnected are fetched from history on reconnect. Threads the bot starts for a conversation:
        -- thread_state 1 = planned (created with the first reply, on message channel_id of parent_id), 2 = started,
        -- 3 = could not be started (replies go to parent_id).
        CREATE TABLE gw_channels (
          platform TEXT NOT NULL,
          channel_id TEXT NOT NULL,
          last_message_id TEXT,
          thread_state INTEGER NOT NULL DEFAULT 0,
          parent_id TEXT,
          thread_name TEXT,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (platform, channel_id)
        );
      `);
    },
  },
  {
    version: 20,
    name: 'gateway: linked identities across platforms, link codes, the user of each session',
    up(db) {
      db.exec(`
        -- One person with accounts on several platforms: their DMs share one conversation.
        CREATE TABLE gw_links (platform TEXT NOT NULL, user_id TEXT NOT NULL, person TEXT NOT NULL, linked_at INTEGER NOT NULL, PRIMARY KEY (platform, user_id));
        CREATE INDEX idx_gw_links_person ON gw_links(person);
        -- /link codes, stored hashed; one per user at a time.
        CREATE TABLE gw_link_codes (code_hash TEXT PRIMARY KEY, platform TEXT NOT NULL, user_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
        ALTER TABLE gw_sessions ADD COLUMN user_id TEXT;
      `);
    },
  },
  {
    version: 23,
    name: 'gateway: channel threads the bot takes part in (Slack follow-ups without a mention survive a restart)',
    up(db) {
      db.exec(`
        -- A thread in a channel that the bot was mentioned in or answered in: later messages there are for it. Kept
        -- while active (last_at), pruned by age and count (thread-members.ts).
        CREATE TABLE gw_thread_members (
          platform TEXT NOT NULL,
          chat_id TEXT NOT NULL,
          thread_id TEXT NOT NULL,
          last_at INTEGER NOT NULL,
          PRIMARY KEY (platform, chat_id, thread_id)
        );
        CREATE INDEX idx_gw_thread_members_age ON gw_thread_members(platform, last_at);
      `);
    },
  },
];
