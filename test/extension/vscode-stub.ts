// A small stand-in for the `vscode` module, enough for the extension's logic to run in vitest. Tests alias it with
// `vi.mock('vscode', () => import('./vscode-stub'))` and drive the UI through `stub`: every dialog, quick pick and
// input box is recorded and stays open until the test answers it.
import { readFile, stat, writeFile } from 'node:fs/promises';
import * as nodePath from 'node:path';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

type Listener<T> = (e: T) => unknown;
export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  event = (l: Listener<T>) => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
    readonly query = '',
  ) {}
  static file(p: string): Uri {
    return new Uri('file', nodePath.resolve(p));
  }
  static from(c: { scheme: string; path?: string; query?: string }): Uri {
    return new Uri(c.scheme, c.path ?? '', c.query ?? '');
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, nodePath.join(base.path, ...parts), base.query);
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}${this.query ? `?${this.query}` : ''}`;
  }
}

export class Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}
}
export class ThemeIcon {
  constructor(readonly id: string) {}
}
export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: string;
  iconPath?: unknown;
  resourceUri?: Uri;
  command?: unknown;
  contextValue?: string;
  constructor(
    readonly label: string,
    readonly collapsibleState?: number,
  ) {}
}
export const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 };
export const ViewColumn = { Active: -1, Beside: -2, One: 1 };
export const StatusBarAlignment = { Left: 1, Right: 2 };
export const LogLevel = { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 };
export const version = '1.139.0-stub';

export interface Dialog {
  kind: 'warning' | 'info' | 'error';
  message: string;
  options?: { modal?: boolean; detail?: string };
  items: string[];
  answer: Deferred<string | undefined>;
}
export interface QuickInput {
  kind: 'quickPick' | 'inputBox';
  title?: string;
  prompt?: string;
  password?: boolean;
  items: { label: string }[];
  value: string;
  selectedItems: { label: string }[];
  visible: boolean;
  accept(value: string): void;
  hide(): void;
}

/** What the code under test did, and handles to answer it. */
export const stub = {
  dialogs: [] as Dialog[],
  quickInputs: [] as QuickInput[],
  commands: [] as { command: string; args: unknown[] }[],
  clipboard: '',
  shownDocuments: [] as { uri: Uri; options?: unknown }[],
  files: [] as string[],
  findFilesCalls: [] as { include: string; exclude?: string; max?: number }[],
  workspaceRoot: '/work/ws',
  /** `vscode.workspace.isTrusted` (false = Restricted Mode). */
  workspaceTrusted: true,
  handlers: new Map<string, (...args: any[]) => unknown>(),
  /** `showQuickPick` / `showInputBox` calls, answered by the test. */
  picks: [] as { items: unknown[]; options?: unknown; answer: Deferred<unknown> }[],
  inputs: [] as { options?: { title?: string; prompt?: string; password?: boolean }; answer: Deferred<string | undefined> }[],
  activeTextEditor: undefined as unknown,
  reset(): void {
    this.handlers.clear();
    this.picks = [];
    this.inputs = [];
    this.activeTextEditor = undefined;
    this.dialogs = [];
    this.quickInputs = [];
    this.commands = [];
    this.clipboard = '';
    this.shownDocuments = [];
    this.files = [];
    this.findFilesCalls = [];
  },
  /** The latest dialog still waiting for an answer. */
  openDialogs(): Dialog[] {
    return this.dialogs.filter((d) => !(d as Dialog & { done?: boolean }).done);
  },
};

function dialog(kind: Dialog['kind']) {
  return (message: string, ...rest: unknown[]): Promise<string | undefined> => {
    const options = rest[0] && typeof rest[0] === 'object' ? (rest.shift() as Dialog['options']) : undefined;
    const d: Dialog = { kind, message, options, items: rest as string[], answer: deferred() };
    stub.dialogs.push(d);
    return d.answer.promise.then((v) => {
      (d as Dialog & { done?: boolean }).done = true;
      return v;
    });
  };
}

function quickInput(kind: QuickInput['kind']) {
  const accept = new EventEmitter<void>();
  const hide = new EventEmitter<void>();
  const q: QuickInput & Record<string, unknown> = {
    kind,
    items: [],
    value: '',
    selectedItems: [],
    visible: false,
    onDidAccept: accept.event,
    onDidHide: hide.event,
    show() {
      q.visible = true;
    },
    hide() {
      if (!q.visible) return;
      q.visible = false;
      hide.fire();
    },
    dispose() {},
    accept(value: string) {
      const item = q.items.find((i) => i.label === value);
      q.selectedItems = item ? [item] : [];
      q.value = item ? '' : value;
      accept.fire();
    },
  };
  stub.quickInputs.push(q);
  return q;
}

export function makeLogChannel(name = 'stub') {
  const lines: string[] = [];
  const push = (level: string) => (m: string) => lines.push(`[${level}] ${m}`);
  return {
    lines,
    name,
    logLevel: LogLevel.Trace,
    onDidChangeLogLevel: new EventEmitter<number>().event,
    append: (v: string) => lines.push(v),
    appendLine: (v: string) => lines.push(v),
    replace: (v: string) => lines.splice(0, lines.length, v),
    trace: push('trace'),
    debug: push('debug'),
    info: push('info'),
    warn: push('warn'),
    error: (m: string | Error) => lines.push(`[error] ${m instanceof Error ? m.message : m}`),
    clear: () => lines.splice(0),
    show: () => {},
    hide: () => {},
    dispose: () => {},
  };
}

export const window = {
  showWarningMessage: dialog('warning'),
  showInformationMessage: dialog('info'),
  showErrorMessage: dialog('error'),
  createQuickPick: () => quickInput('quickPick'),
  createInputBox: () => quickInput('inputBox'),
  showTextDocument: async (uri: Uri, options?: unknown) => {
    stub.shownDocuments.push({ uri, options });
    return {};
  },
  createOutputChannel: (name: string) => makeLogChannel(name),
  showQuickPick: (items: unknown[] | Promise<unknown[]>, options?: unknown) => {
    const answer = deferred<unknown>();
    void Promise.resolve(items).then((list) => stub.picks.push({ items: list, options, answer }));
    return answer.promise;
  },
  showInputBox: (options?: { title?: string; prompt?: string }) => {
    const answer = deferred<string | undefined>();
    stub.inputs.push({ options, answer });
    return answer.promise;
  },
  get activeTextEditor() {
    return stub.activeTextEditor;
  },
};

export const workspace = {
  get isTrusted() {
    return stub.workspaceTrusted;
  },
  onDidGrantWorkspaceTrust: (_fn: () => void) => ({ dispose: () => undefined }),
  get workspaceFolders() {
    return [{ uri: Uri.file(stub.workspaceRoot), name: 'ws', index: 0 }];
  },
  fs: {
    readFile: async (uri: Uri) => new Uint8Array(await readFile(uri.fsPath)),
    stat: async (uri: Uri) => stat(uri.fsPath),
    writeFile: async (uri: Uri, data: Uint8Array) => writeFile(uri.fsPath, data),
  },
  findFiles: async (include: string, exclude?: string, max?: number) => {
    stub.findFilesCalls.push({ include, exclude, max });
    return stub.files.slice(0, max).map((f) => Uri.file(nodePath.join(stub.workspaceRoot, f)));
  },
  asRelativePath: (u: Uri | string) => nodePath.relative(stub.workspaceRoot, typeof u === 'string' ? u : u.fsPath),
};

export const commands = {
  executeCommand: async (command: string, ...args: unknown[]) => {
    stub.commands.push({ command, args });
    return undefined;
  },
  registerCommand: (id: string, fn: (...args: any[]) => unknown) => {
    stub.handlers.set(id, fn);
    return { dispose: () => stub.handlers.delete(id) };
  },
};

export const env = {
  clipboard: {
    writeText: async (t: string) => {
      stub.clipboard = t;
    },
  },
};
