// Hermes's toolsets (toolsets.py): the names a config.yaml `toolsets:` list may hold, and the tools each one
// offers. A composite toolset (hermes-cli, coding, safe, debugging, hermes-<platform>, …) is a list of tool names
// and other toolsets; it expands to tool names, and a tool of ours is offered when its name is in the expansion.
// Tools Hermes has and this host does not (browser_*, kanban_*, …) simply match nothing.

const BROWSER = [
  'browser_back', 'browser_cdp', 'browser_click', 'browser_console', 'browser_dialog', 'browser_get_images',
  'browser_navigate', 'browser_press', 'browser_scroll', 'browser_snapshot', 'browser_type', 'browser_vision',
];
const KANBAN = [
  'kanban_block', 'kanban_comment', 'kanban_complete', 'kanban_create', 'kanban_heartbeat', 'kanban_link', 'kanban_list',
  'kanban_show', 'kanban_unblock',
];
const HOMEASSISTANT = ['ha_call_service', 'ha_get_state', 'ha_list_entities', 'ha_list_services'];
const FEISHU_DRIVE = ['feishu_drive_add_comment', 'feishu_drive_list_comment_replies', 'feishu_drive_list_comments', 'feishu_drive_reply_comment'];
const YUANBAO = ['yb_query_group_info', 'yb_query_group_members', 'yb_search_sticker', 'yb_send_dm', 'yb_send_sticker'];

/** The default bundle of the CLI and of every messaging platform (Hermes's _HERMES_CORE_TOOLS). */
const CORE = [
  'web_search', 'web_extract', 'terminal', 'process', 'read_terminal', 'read_file', 'write_file', 'patch', 'search_files',
  'vision_analyze', 'image_generate', 'skills_list', 'skill_view', 'skill_manage', ...BROWSER, 'text_to_speech', 'todo',
  'memory', 'session_search', 'clarify', 'execute_code', 'delegate_task', 'cronjob', 'send_message', ...HOMEASSISTANT,
  ...KANBAN, 'computer_use',
];
const drop = (list: string[], ...names: string[]) => list.filter((t) => !names.includes(t) && !names.some((n) => n.endsWith('*') && t.startsWith(n.slice(0, -1))));

const PLATFORMS = [
  'telegram', 'whatsapp', 'slack', 'signal', 'bluebubbles', 'homeassistant', 'email', 'mattermost', 'matrix', 'dingtalk',
  'weixin', 'qqbot', 'wecom', 'wecom-callback', 'sms',
];

/** Toolset name → tool names (and `@other` toolset references). */
export const HERMES_TOOLSETS: Record<string, string[]> = {
  web: ['web_search', 'web_extract'],
  search: ['web_search'],
  x_search: ['x_search'],
  vision: ['vision_analyze'],
  video: ['video_analyze'],
  image_gen: ['image_generate'],
  video_gen: ['video_generate'],
  computer_use: ['computer_use'],
  terminal: ['terminal', 'process'],
  moa: ['mixture_of_agents'],
  skills: ['skills_list', 'skill_view', 'skill_manage'],
  browser: [...BROWSER, 'web_search'],
  cronjob: ['cronjob'],
  messaging: ['send_message'],
  file: ['read_file', 'write_file', 'patch', 'search_files'],
  tts: ['text_to_speech'],
  todo: ['todo'],
  memory: ['memory'],
  context_engine: [],
  session_search: ['session_search'],
  clarify: ['clarify'],
  code_execution: ['execute_code'],
  delegation: ['delegate_task'],
  homeassistant: HOMEASSISTANT,
  kanban: KANBAN,
  discord: ['discord'],
  discord_admin: ['discord_admin'],
  yuanbao: YUANBAO,
  feishu_doc: ['feishu_doc_read'],
  feishu_drive: FEISHU_DRIVE,
  spotify: ['spotify_albums', 'spotify_devices', 'spotify_library', 'spotify_playback', 'spotify_playlists', 'spotify_queue', 'spotify_search'],
  debugging: ['terminal', 'process', '@web', '@file'],
  safe: ['@web', '@vision', '@image_gen'],
  // The coding posture: the core bundle without messaging, audio, smart-home, kanban and desktop control.
  coding: drop(CORE, 'image_generate', 'text_to_speech', 'cronjob', 'send_message', 'ha_*', 'kanban_*', 'computer_use'),
  'hermes-acp': drop(CORE, 'read_terminal', 'clarify', 'image_generate', 'text_to_speech', 'cronjob', 'send_message', 'ha_*', 'kanban_*', 'computer_use'),
  'hermes-api-server': drop(CORE, 'clarify', 'send_message', 'text_to_speech', 'read_terminal', 'kanban_*', 'computer_use'),
  'hermes-cli': CORE,
  'hermes-cron': CORE,
  ...Object.fromEntries(PLATFORMS.map((p) => [`hermes-${p}`, CORE])),
  'hermes-discord': [...CORE, 'discord', 'discord_admin'],
  'hermes-feishu': [...CORE, 'feishu_doc_read', ...FEISHU_DRIVE],
  'hermes-yuanbao': [...CORE, ...YUANBAO],
  // Untrusted input: read-only research tools only.
  'hermes-webhook': ['web_search', 'web_extract', 'vision_analyze', 'clarify'],
  'hermes-gateway': [...PLATFORMS.map((p) => `@hermes-${p}`), '@hermes-discord', '@hermes-feishu', '@hermes-yuanbao', '@hermes-webhook'],
};

/** Our own toolset names that are not Hermes's (tools registered under them). */
const OWN = ['core', 'mcp'];

export interface ToolsetSelection {
  /** true when the list is empty or names `all`/`*`: every available tool. */
  all: boolean;
  /** Tool names the listed toolsets expand to. */
  tools: Set<string>;
  /** The toolset names as listed (a tool of ours under one of these is offered too). */
  names: Set<string>;
}

export function expandToolsets(list: string[]): ToolsetSelection {
  const names = new Set(list.map((n) => n.trim()).filter(Boolean));
  const all = !names.size || names.has('all') || names.has('*');
  const tools = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const def = HERMES_TOOLSETS[name] ?? (isPluginPlatform(name) ? CORE : undefined);
    for (const t of def ?? []) {
      if (t.startsWith('@')) visit(t.slice(1));
      else tools.add(t);
    }
  };
  for (const n of names) visit(n);
  return { all, tools, names };
}

/** A messaging platform added by a Hermes plugin gets `hermes-<name>` = the core bundle. */
function isPluginPlatform(name: string): boolean {
  return /^hermes-[a-z0-9][a-z0-9_-]*$/.test(name) && !HERMES_TOOLSETS[name];
}

export function knownToolsetNames(): string[] {
  return ['all', '*', ...Object.keys(HERMES_TOOLSETS), ...OWN];
}

/** Why a toolset name cannot be used, or null when it can. MCP servers' toolsets (`mcp-<server>`) are accepted. */
export function toolsetProblem(name: string): string | null {
  if (knownToolsetNames().includes(name) || /^mcp[-_]/.test(name) || isPluginPlatform(name)) return null;
  return `unknown toolset '${name}'; known toolsets: ${knownToolsetNames().filter((n) => n !== '*').join(', ')}`;
}
