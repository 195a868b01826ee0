/** @jsxImportSource react */
// The terminal chat: one thread of the owning host, drawn with Ink. Finished entries go to <Static> (the terminal's
// scrollback); the running turn, any question from the host, the completion menu and the input stay live below.
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Static, Text, useApp, useInput, type Key } from 'ink';
import { splitKeys } from './keys';
import { followThread, type BusyMode, type CommandInfo, type Thread, type UserInput } from '../../protocol';
import type { HostConnection } from '../rpc-client';
import * as ed from './editor';
import type { PendingRequests, Pending } from './requests';
import { addLocalUser, addNotice, applyNotification, emptyTranscript, fromItems, settledCount, type Transcript } from './transcript';
import { ApprovalCard, ClarifyCard, CompletionMenu, DECISIONS, EntryView, InputBox, Picker, type PickerItem } from './views';

export interface AppProps {
  host: HostConnection;
  thread: Thread;
  initial: Transcript;
  cwd: string;
  commands: CommandInfo[];
  requests: PendingRequests;
  busy: BusyMode;
  /** A model given with --model, used for every turn. */
  model?: string;
  /** Models the endpoint lists when none is configured: offered in a picker at start. */
  offer?: string[];
}

/** Commands the terminal handles itself (the rest go to the host's command/run). */
const LOCAL_COMMANDS: CommandInfo[] = [
  { name: 'history', description: 'List earlier conversations and resume one', source: 'host' },
  { name: 'exit', description: 'Leave the chat', source: 'host' },
  { name: 'quit', description: 'Same as /exit', source: 'host' },
];

interface PickerState {
  title: string;
  items: PickerItem[];
  selected: number;
  onPick(value: string): void;
}

/** `@path` words that name existing files: sent as mentions so the host inlines them. */
function mentionsIn(text: string, cwd: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\s)@([^\s@]+)/g)) {
    const p = m[1];
    try {
      if (statSync(isAbsolute(p) ? p : resolve(cwd, p)).isFile() && !out.includes(p)) out.push(p);
    } catch {}
  }
  return out;
}

export function App(props: AppProps) {
  const { host, requests, cwd } = props;
  const app = useApp();
  const [transcript, setTranscript] = useState<Transcript>(props.initial);
  const [thread, setThread] = useState<Thread>(props.thread);
  const threadRef = useRef(props.thread.id);
  const [editor, setEditor] = useState(() => ed.emptyEditor());
  const [menuSel, setMenuSel] = useState(0);
  const [menuDismissed, setMenuDismissed] = useState(false);
  const [pending, setPending] = useState<Pending | undefined>(requests.current());
  const [approvalSel, setApprovalSel] = useState(0);
  const [picker, setPickerState] = useState<PickerState | null>(null);
  // Read by key events that may come several to a read (Down then Enter), before React renders again.
  const pickerRef = useRef<PickerState | null>(null);
  const setPicker = useCallback((p: PickerState | null) => {
    pickerRef.current = p;
    setPickerState(p);
  }, []);
  const approvalSelRef = useRef(0);
  const [ctrlArmed, setCtrlArmed] = useState(false);
  // Remounts <Static> when the shown thread changes, so a resumed conversation is drawn in full.
  const [epoch, setEpoch] = useState(0);
  const modelRef = useRef(props.model);
  const commands = useMemo(() => [...LOCAL_COMMANDS, ...props.commands.filter((c) => !LOCAL_COMMANDS.some((l) => l.name === c.name))], [props.commands]);
  const running = transcript.runningTurn !== null;

  const notice = useCallback((text: string, tone: 'info' | 'error' | 'warn' = 'info') => setTranscript((t) => addNotice(t, text, tone)), []);

  useEffect(
    () =>
      requests.subscribe(() => {
        setPending(requests.current());
        approvalSelRef.current = 0;
        setApprovalSel(0);
      }),
    [requests],
  );

  useEffect(
    () =>
      host.onNotification((n) => {
        const next = followThread(threadRef.current, n);
        if (next && next !== threadRef.current) {
          threadRef.current = next;
          notice('context compressed: the conversation continues on a new thread');
        }
        if (n.method === 'serverRequest/resolved') {
          // Still waiting here means someone else settled it: another surface answered, or time ran out.
          if (!requests.settled(n.params.requestId)) return;
          const by = n.params.answeredBy ? ` by ${n.params.answeredBy}` : '';
          const result = n.params.result as { decision?: string; answer?: string } | undefined;
          const what = result?.decision ?? result?.answer;
          if (n.params.outcome === 'answered') notice(`answered elsewhere${by}${what ? `: ${what}` : ''}`);
          else notice(`the question was ${n.params.outcome === 'timeout' ? 'not answered in time (denied)' : 'withdrawn'}`, 'warn');
          return;
        }
        if (n.method === 'thread/updated' && n.params.thread.id === threadRef.current) {
          setThread(n.params.thread);
          return;
        }
        if (!('threadId' in n.params) || n.params.threadId !== threadRef.current) return;
        setTranscript((t) => applyNotification(t, n));
      }),
    [host, requests, notice],
  );

  // Ask for a model first when none is configured but the endpoint lists some.
  useEffect(() => {
    if (!props.offer?.length) return;
    setPicker({
      title: 'No model is configured. Pick one from the endpoint (saved as model.default):',
      items: props.offer.map((m) => ({ value: m, label: m })),
      selected: 0,
      onPick: (m) => {
        modelRef.current = m;
        host
          // Quoted: the host reads a config/write value as YAML, and a model id such as `1.5` must stay a string.
          .request('config/write', { key: 'model.default', value: JSON.stringify(m) })
          .then(() => notice(`model.default = ${m}`))
          .catch((e: Error) => notice(`could not save model.default: ${e.message}`, 'error'));
      },
    });
  }, []);

  const switchThread = useCallback(
    async (id: string) => {
      const r = await host.request('thread/resume', { threadId: id });
      const read = await host.request('thread/read', { threadId: id });
      threadRef.current = r.thread.id;
      setThread(r.thread);
      const t = fromItems(read.items);
      const live = read.turns.find((x) => x.status === 'inProgress');
      const header = addNotice(emptyTranscript(), `── ${r.thread.title} (${r.thread.id}) ──`).entries;
      setTranscript({ entries: [...header, ...t.entries], runningTurn: live?.id ?? null });
      setEpoch((e) => e + 1);
    },
    [host],
  );

  const showHistory = useCallback(async () => {
    // Every chat opens a thread at start; the ones nothing was ever sent on are not worth resuming.
    const threads = (await host.request('thread/list', { limit: 100 })).threads.filter((t) => t.turnCount > 0 || t.id === threadRef.current).slice(0, 50);
    if (!threads.length) return notice('no earlier conversations');
    setPicker({
      title: 'Resume a conversation:',
      items: threads.map((t) => ({
        value: t.id,
        label: t.title || '(untitled)',
        hint: `${new Date(t.updatedAt).toISOString().slice(0, 16).replace('T', ' ')} · ${t.turnCount} turns · ${t.source}${t.id === threadRef.current ? ' · current' : ''}`,
      })),
      selected: 0,
      onPick: (id) => void switchThread(id).catch((e: Error) => notice(`cannot resume: ${e.message}`, 'error')),
    });
  }, [host, notice, switchThread]);

  const exit = useCallback(() => app.exit(), [app]);

  const sendMessage = useCallback(
    async (text: string) => {
      const mentions = mentionsIn(text, cwd);
      const input: UserInput[] = [{ type: 'text', text }, ...mentions.map((path) => ({ type: 'mention' as const, path }))];
      setTranscript((t) => addLocalUser(t, [text, ...mentions.map((m) => `@${m}`)].join(' ')));
      const r = await host.request('turn/start', {
        threadId: threadRef.current,
        input,
        ...(modelRef.current ? { model: modelRef.current } : {}),
        ...(running ? { busy: props.busy } : {}),
      });
      if (r.disposition === 'queued') notice('(queued: runs after the current turn)');
      else if (r.disposition === 'steered') notice('(sent to the running turn)');
      else if (running && props.busy === 'interrupt') notice('(interrupted the running turn; answering this instead)');
    },
    [host, cwd, running, props.busy, notice],
  );

  const submit = useCallback(
    async (raw: string) => {
      const text = raw.replace(/\s+$/, '');
      if (!text.trim()) return;
      if (text.startsWith('/')) {
        const name = text.slice(1).split(/\s/)[0];
        if (name === 'exit' || name === 'quit') return exit();
        if (name === 'history') return showHistory();
        const r = await host.request('command/run', { threadId: threadRef.current, text });
        if (r.handled) {
          if (r.thread && r.thread.id !== threadRef.current) await switchThread(r.thread.id);
          if (r.message) notice(r.message);
          if (r.restoredInput) setEditor((s) => ed.setText(s, r.restoredInput!));
          return;
        }
      }
      await sendMessage(text);
    },
    [host, exit, showHistory, switchThread, sendMessage, notice],
  );

  const completionOf = (state: ed.EditorState, dismissed: boolean) =>
    dismissed || requests.current()?.kind === 'approval' || pickerRef.current ? null : ed.completionFor(state, commands, cwd);
  const completion = useMemo(() => completionOf(editor, menuDismissed), [editor, commands, cwd, menuDismissed, pending, picker]);
  const menuSelRef = useRef(0);
  const menuDismissedRef = useRef(false);

  // Several key events can arrive in one read (fast typing, a script): they are handled before React renders again,
  // so the editor lives in a ref that every event updates at once, mirrored into state for drawing.
  const editorRef = useRef(editor);
  const update = (f: (s: ed.EditorState) => ed.EditorState) => {
    editorRef.current = f(editorRef.current);
    setEditor(editorRef.current);
    menuSelRef.current = 0;
    setMenuSel(0);
    menuDismissedRef.current = false;
    setMenuDismissed(false);
  };
  const selectInMenu = (d: number, n: number) => {
    menuSelRef.current = (menuSelRef.current + n + d) % n;
    setMenuSel(menuSelRef.current);
  };
  const ctrlArmedRef = useRef(false);
  ctrlArmedRef.current = ctrlArmed;

  /** Enter: answer the open question, or send the buffer. */
  const enter = () => {
    const text = editorRef.current.text;
    update((s) => ed.submitted(s));
    const p = requests.current();
    if (p?.kind === 'clarify') {
      const choices = p.params.choices ?? [];
      const n = Number(text.trim());
      const answer = Number.isInteger(n) && n >= 1 && n <= choices.length ? choices[n - 1] : text;
      requests.answer(p.params.requestId, answer);
      return notice(`answered: ${answer}`);
    }
    void submit(text).catch((e: Error) => notice(`error: ${e.message}`, 'error'));
  };

  const onKey = (input: string, key: Key) => {
    if (key.ctrl && input === 'c') {
      if (ctrlArmedRef.current) return exit();
      ctrlArmedRef.current = true;
      setCtrlArmed(true);
      const open = requests.current();
      if (open) requests.answer(open.params.requestId, open.kind === 'approval' ? 'deny' : '');
      if (running) {
        void host.request('turn/interrupt', { threadId: threadRef.current }).catch(() => {});
        notice('interrupting… (Ctrl+C again to exit)', 'warn');
      } else if (editorRef.current.text) {
        update((s) => ed.emptyEditor(s.history));
      } else notice('press Ctrl+C again to exit', 'warn');
      return;
    }
    if (ctrlArmedRef.current) {
      ctrlArmedRef.current = false;
      setCtrlArmed(false);
    }

    const asking = requests.current();
    if (asking?.kind === 'approval') {
      const choices = DECISIONS.filter((d) => asking.params.choices.includes(d.decision));
      const byKey = choices.find((c) => c.key === input.toLowerCase());
      const pick = byKey ?? (key.return ? choices[approvalSelRef.current] : key.escape ? choices.find((c) => c.decision === 'deny') : undefined);
      const move = (d: number) => {
        approvalSelRef.current = (approvalSelRef.current + choices.length + d) % choices.length;
        setApprovalSel(approvalSelRef.current);
      };
      if (pick) {
        requests.answer(asking.params.requestId, pick.decision);
        notice(`${pick.decision === 'deny' ? '✗ denied' : `✓ allowed (${pick.decision})`}: ${asking.params.command ?? asking.params.path ?? asking.params.tool}`, pick.decision === 'deny' ? 'warn' : 'info');
      } else if (key.leftArrow || key.upArrow) move(-1);
      else if (key.rightArrow || key.downArrow || key.tab) move(1);
      return;
    }

    const picker = pickerRef.current;
    if (picker) {
      if (key.escape) setPicker(null);
      else if (key.upArrow) setPicker({ ...picker, selected: Math.max(0, picker.selected - 1) });
      else if (key.downArrow) setPicker({ ...picker, selected: Math.min(picker.items.length - 1, picker.selected + 1) });
      else if (key.return) {
        setPicker(null);
        picker.onPick(picker.items[picker.selected].value);
      } else if (/^[1-9]$/.test(input) && Number(input) <= picker.items.length) {
        setPicker(null);
        picker.onPick(picker.items[Number(input) - 1].value);
      }
      return;
    }

    const completion = completionOf(editorRef.current, menuDismissedRef.current);
    const menuSel = Math.min(menuSelRef.current, (completion?.items.length ?? 1) - 1);
    if (key.return && key.meta) return update((s) => ed.insert(s, '\n'));
    if (key.return) {
      if (completion) {
        const item = completion.items[menuSel];
        return update((s) => ed.applySuggestion(s, completion, item));
      }
      return enter();
    }
    if (key.tab && completion) return update((s) => ed.applySuggestion(s, completion, completion.items[menuSel]));
    if (key.escape) {
      menuDismissedRef.current = true;
      return setMenuDismissed(true);
    }
    if (key.upArrow) {
      if (completion) return selectInMenu(-1, completion.items.length);
      return update((s) => (ed.onFirstLine(s) ? ed.historyPrev(s) : ed.moveCursor(s, -(s.cursor - s.text.lastIndexOf('\n', s.cursor - 1)))));
    }
    if (key.downArrow) {
      if (completion) return selectInMenu(1, completion.items.length);
      return update((s) => (ed.onLastLine(s) ? ed.historyNext(s) : ed.lineEnd(ed.moveCursor(ed.lineEnd(s), 1))));
    }
    if (key.leftArrow) return update((s) => ed.moveCursor(s, -1));
    if (key.rightArrow) return update((s) => ed.moveCursor(s, 1));
    if (key.home || (key.ctrl && input === 'a')) return update(ed.lineStart);
    if (key.end || (key.ctrl && input === 'e')) return update(ed.lineEnd);
    if (key.backspace || key.delete) return update(ed.backspace);
    if (key.ctrl && input === 'u') return update((s) => ed.setText(s, ''));
    if (key.ctrl && input === 'w') return update(ed.deleteWord);
    if (key.ctrl && input === 'd') {
      if (!editorRef.current.text) return exit();
      return update(ed.deleteForward);
    }
    if (key.ctrl || key.meta) return;
    if (!input) return;
    // Text typed faster than one read comes as one chunk: one line ending in Enter is typed text plus Enter; line
    // breaks inside a chunk are a paste and stay in the buffer.
    const typedLine = /^[^\r\n]+\r$/.exec(input);
    if (typedLine) {
      update((s) => ed.insert(s, input.slice(0, -1)));
      return enter();
    }
    update((s) => ed.insert(s, input.replace(/\r\n?/g, '\n')));
  };
  useInput((input, key) => {
    for (const [i, k] of splitKeys(input, key)) onKey(i, k);
  });

  const settled = settledCount(transcript);
  const live = transcript.entries.slice(settled);
  const model = modelRef.current || thread.model || '(no model)';
  const hint = running
    ? 'working… Ctrl+C interrupts · Enter redirects'
    : 'Enter send · Alt+Enter newline · Tab complete · / commands · @ files · Ctrl+C twice exits';
  return (
    <>
      <Static key={epoch} items={transcript.entries.slice(0, settled)}>
        {(e) => <EntryView key={e.key} e={e} />}
      </Static>
      <Box flexDirection="column">
        {live.map((e) => (
          <EntryView key={e.key} e={e} />
        ))}
        {pending?.kind === 'approval' ? <ApprovalCard p={pending} selected={approvalSel} /> : null}
        {pending?.kind === 'clarify' ? <ClarifyCard p={pending} /> : null}
        {picker ? <Picker title={picker.title} items={picker.items} selected={picker.selected} /> : null}
        {completion ? <CompletionMenu c={completion} selected={menuSel} /> : null}
        <InputBox s={editor} prompt={pending?.kind === 'clarify' ? 'answer › ' : '› '} dim={!!pending || !!picker} />
        <Text dimColor wrap="truncate-end">{`${model} · ${thread.title || 'new conversation'} · ${hint}`}</Text>
      </Box>
    </>
  );
}
