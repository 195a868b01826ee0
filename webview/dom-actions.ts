// Clicks inside rendered markdown, handled by delegation (the HTML comes from a string, not from components):
// copy buttons on code blocks, and links to workspace files, which open in an editor instead of navigating away.
import type { ChatController } from './controller';

export function wireDomActions(root: HTMLElement, c: ChatController): void {
  root.addEventListener('click', (e) => {
    const target = e.target as HTMLElement;
    const copy = target.closest<HTMLButtonElement>('.md .copy-code');
    if (copy) {
      e.preventDefault();
      const code = copy.closest('.code-block')?.querySelector('code');
      if (!code) return;
      c.copy(code.textContent ?? '');
      copy.textContent = 'Copied';
      setTimeout(() => (copy.textContent = 'Copy'), 1500);
      return;
    }
    const link = target.closest<HTMLAnchorElement>('.md a[href]');
    if (!link) return;
    const href = link.getAttribute('href') ?? '';
    // Web links are opened by VS Code itself; anything scheme-less is taken as a workspace path (`src/a.ts#L12`).
    if (/^(https?|mailto):/i.test(href)) return;
    e.preventDefault();
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('file:')) return;
    const m = /^(?:file:\/\/)?([^#]+)(?:#L?(\d+))?$/.exec(href);
    if (m) c.openFile(decodeURIComponent(m[1]), m[2] ? Number(m[2]) : undefined);
  });
}
