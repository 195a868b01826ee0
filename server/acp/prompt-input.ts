// An ACP prompt (content blocks) as the host's turn input. Text stays text; a link to a local file becomes an
// `@file` mention the host inlines itself (so it reads the file through the thread's sandbox); an embedded text
// resource (what an editor sends for a selection or an unsaved buffer) is inlined as text under its name. An image
// becomes an image input (the host checks and stores it); audio is not accepted: initialize does not advertise it.
import { fileURLToPath } from 'node:url';
import type * as acp from '@agentclientprotocol/sdk';
import type { UserInput } from '../protocol';

function localPath(uri: string): string | null {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return null;
    }
  }
  return uri.startsWith('/') ? uri : null;
}

export function promptToInput(blocks: acp.ContentBlock[]): UserInput[] {
  const out: UserInput[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'text':
        if (b.text) out.push({ type: 'text', text: b.text });
        break;
      case 'resource_link': {
        const path = localPath(b.uri);
        out.push(path ? { type: 'mention', path } : { type: 'text', text: `[${b.name}](${b.uri})` });
        break;
      }
      case 'resource': {
        const r = b.resource;
        if ('text' in r) {
          const name = localPath(r.uri) ?? r.uri;
          out.push({ type: 'text', text: `Contents of ${name}:\n\`\`\`\n${r.text}\n\`\`\`` });
        } else out.push({ type: 'text', text: `[binary resource ${r.uri} omitted]` });
        break;
      }
      case 'image': {
        const name = b.uri ? (localPath(b.uri) ?? b.uri).split('/').pop() : undefined;
        out.push({ type: 'image', data: b.data, ...(name ? { name } : {}) });
        break;
      }
      default:
        out.push({ type: 'text', text: `[${b.type} content is not supported by this agent]` });
    }
  }
  return out;
}

/** The prompt as one line of text, when it is only text (slash commands are recognised on this). */
export function promptText(blocks: acp.ContentBlock[]): string | null {
  if (!blocks.length || blocks.some((b) => b.type !== 'text')) return null;
  return blocks.map((b) => (b as { text: string }).text).join('');
}
