/** @jsxImportSource react */
// What each part of the terminal chat looks like: transcript entries, tool cards, the approval card, pickers, the
// input box. Stateless components; the App owns the state.
import { Box, Text } from 'ink';
import type { ApprovalDecision } from '../../protocol';
import type { Completion, EditorState } from './editor';
import { renderMarkdown, stripControls } from './markdown';
import type { Pending } from './requests';
import type { Entry } from './transcript';

const lastLines = (s: string, n: number) => {
  const lines = stripControls(s.replace(/\r\n?/g, '\n')).replace(/\n+$/, '').split('\n');
  return lines.slice(Math.max(0, lines.length - n)).join('\n');
};

export function EntryView({ e }: { e: Entry }) {
  switch (e.kind) {
    case 'user':
      return (
        <Box marginTop={1}>
          <Text color="cyan" bold>
            {'you › '}
          </Text>
          <Text>{stripControls(e.text)}</Text>
        </Box>
      );
    case 'assistant':
      return (
        <Box marginTop={1} flexDirection="column">
          <Text>{renderMarkdown(e.text) || (e.done ? '' : '…')}</Text>
        </Box>
      );
    case 'reasoning':
      return e.done ? null : (
        <Text dimColor italic>
          {`thinking… ${lastLines(e.text, 1).slice(-100)}`}
        </Text>
      );
    case 'tool': {
      const running = !e.done;
      const failed = e.status === 'failed' || e.status === 'declined' || (typeof e.exitCode === 'number' && e.exitCode !== 0);
      const color = running ? 'yellow' : failed ? 'red' : 'green';
      const out = lastLines(e.output, running ? 8 : 4);
      const tailNote = e.done ? (typeof e.exitCode === 'number' ? `exit ${e.exitCode}` : e.status) : 'running';
      return (
        <Box flexDirection="column" borderStyle="round" borderColor={color} paddingX={1} marginTop={1}>
          <Text color={color} wrap="truncate-end">
            {stripControls(e.title)}
          </Text>
          {out ? <Text dimColor>{out}</Text> : null}
          <Text dimColor>{tailNote}</Text>
        </Box>
      );
    }
    case 'notice':
      return <Text color={e.tone === 'error' ? 'red' : e.tone === 'warn' ? 'yellow' : 'gray'}>{stripControls(e.text)}</Text>;
  }
}

export const DECISIONS: { key: string; decision: ApprovalDecision; label: string }[] = [
  { key: 'o', decision: 'once', label: '[o]nce' },
  { key: 's', decision: 'session', label: '[s]ession' },
  { key: 'a', decision: 'always', label: '[a]lways' },
  { key: 'd', decision: 'deny', label: '[d]eny' },
];

export function ApprovalCard({ p, selected }: { p: Extract<Pending, { kind: 'approval' }>; selected: number }) {
  const q = p.params;
  const what = q.escalation ? q.escalation.summary : q.command ? q.command : q.path ? `write ${q.path}` : q.tool;
  const choices = DECISIONS.filter((d) => q.choices.includes(d.decision));
  return (
    <Box flexDirection="column" borderStyle="double" borderColor="magenta" paddingX={1} marginTop={1}>
      <Text color="magenta" bold>
        {`⚠ ${q.tool} asks to run${q.escalation ? ' OUTSIDE the sandbox' : ''}:`}
      </Text>
      <Text>{stripControls(what)}</Text>
      {q.reasons.length ? <Text dimColor>{`because: ${q.reasons.join('; ')}`}</Text> : null}
      <Box gap={2}>
        {choices.map((c, i) => (
          <Text key={c.key} inverse={i === selected} color={c.decision === 'deny' ? 'red' : undefined}>
            {c.label}
          </Text>
        ))}
      </Box>
    </Box>
  );
}

export function ClarifyCard({ p }: { p: Extract<Pending, { kind: 'clarify' }> }) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="blue" paddingX={1} marginTop={1}>
      <Text color="blue" bold>
        {`? ${stripControls(p.params.question)}`}
      </Text>
      {(p.params.choices ?? []).map((c, i) => (
        <Text key={i}>{`${i + 1}. ${stripControls(c)}`}</Text>
      ))}
      <Text dimColor>type the answer (or its number) and press Enter</Text>
    </Box>
  );
}

export interface PickerItem {
  value: string;
  label: string;
  hint?: string;
}

export function Picker({ title, items, selected }: { title: string; items: PickerItem[]; selected: number }) {
  // A window of at most 10 rows around the selection.
  const start = Math.max(0, Math.min(selected - 4, items.length - 10));
  const shown = items.slice(start, start + 10);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1} marginTop={1}>
      <Text color="cyan" bold>
        {title}
      </Text>
      {shown.map((it, i) => (
        <Text key={it.value} inverse={start + i === selected} wrap="truncate-end">
          {`${start + i + 1}. ${stripControls(it.label)}${it.hint ? `  ${stripControls(it.hint)}` : ''}`}
        </Text>
      ))}
      <Text dimColor>↑/↓ choose · Enter select · Esc cancel</Text>
    </Box>
  );
}

export function CompletionMenu({ c, selected }: { c: Completion; selected: number }) {
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {c.items.map((it, i) => (
        <Text key={it.value} inverse={i === selected} wrap="truncate-end">
          {it.value}
          {it.hint ? <Text dimColor>{`  ${it.hint}`}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}

export function InputBox({ s, prompt, dim }: { s: EditorState; prompt: string; dim?: boolean }) {
  const lines = s.text.split('\n');
  let offset = 0;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={dim ? 'gray' : 'white'} paddingX={1}>
      {lines.map((line, i) => {
        const start = offset;
        offset += line.length + 1;
        const head = i === 0 ? prompt : ' '.repeat(prompt.length);
        if (s.cursor < start || s.cursor > start + line.length) return <Text key={i}>{head + line}</Text>;
        const at = s.cursor - start;
        return (
          <Text key={i}>
            {head + line.slice(0, at)}
            <Text inverse>{line[at] ?? ' '}</Text>
            {line.slice(at + 1)}
          </Text>
        );
      })}
    </Box>
  );
}
