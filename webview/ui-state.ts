// The little the webview keeps for itself in `vscode.getState()`: UI state only (draft, scroll, which thread was on
// screen, the model picked per thread). Everything else comes back from the host.
import type { VsCodeApi } from './bridge-client';

export interface UiState {
  draft: string;
  /** `@file` paths picked from the autocomplete that the draft still mentions. */
  mentions: string[];
  threadId: string | null;
  /** Scroll offset from the bottom of the transcript; 0 = following the stream. */
  scrollFromBottom: number;
  modelByThread: Record<string, string>;
}

const EMPTY: UiState = { draft: '', mentions: [], threadId: null, scrollFromBottom: 0, modelByThread: {} };

function coerce(raw: unknown): UiState {
  if (!raw || typeof raw !== 'object') return { ...EMPTY };
  const r = raw as Partial<UiState>;
  return {
    draft: typeof r.draft === 'string' ? r.draft : '',
    mentions: Array.isArray(r.mentions) ? r.mentions.filter((m): m is string => typeof m === 'string') : [],
    threadId: typeof r.threadId === 'string' ? r.threadId : null,
    scrollFromBottom: typeof r.scrollFromBottom === 'number' && r.scrollFromBottom > 0 ? r.scrollFromBottom : 0,
    modelByThread: r.modelByThread && typeof r.modelByThread === 'object' ? { ...r.modelByThread } : {},
  };
}

export class UiStateStore {
  private state: UiState;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** This webview saved state before (a reload or re-show), as opposed to a fresh view (a new editor panel). */
  readonly restored: boolean;

  constructor(private readonly api: VsCodeApi) {
    const raw = api.getState();
    this.restored = !!raw && typeof raw === 'object';
    this.state = coerce(raw);
  }

  get(): Readonly<UiState> {
    return this.state;
  }

  /** Saves soon (typing and scrolling would otherwise write on every event). */
  update(patch: Partial<UiState>): void {
    this.state = { ...this.state, ...patch };
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), 150);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.api.setState(this.state);
  }
}
