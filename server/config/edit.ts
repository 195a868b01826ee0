// Changes one setting in config.yaml's TEXT, leaving every other byte as it was. Re-serialising the whole document
// would re-indent lists, re-quote strings and re-escape characters all over a Hermes-written file (PyYAML's style is
// not ours); Hermes and the user should see a diff of one line. Only the changed key's own text is rewritten.
import { isMap, isPair, isScalar, parseDocument, stringify, type Document, type Pair, type YAMLMap } from 'yaml';

type Path = string[];

/**
 * Whether the file indents block lists under their key (`key:\n  - a`, our writer's habit) or not (`key:\n- a`,
 * PyYAML's, so Hermes's). A new list follows the file; a file without lists gets the indented form.
 */
function listsIndented(text: string): boolean {
  const flat = /^( *)[^\s#][^\n]*:\n\1- /m.test(text);
  const indented = /^( *)[^\s#][^\n]*:\n\1 +- /m.test(text);
  return indented || !flat;
}

/** The YAML text of `{key: value}` as a block, indented by `indent` spaces, without a trailing newline. */
function fragment(key: string, value: unknown, indent: number, indentSeq: boolean): string {
  const text = stringify({ [key]: value }, { indentSeq, lineWidth: 0 }).replace(/\n$/, '');
  const pad = ' '.repeat(indent);
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}

/** A scalar as it would be written after `key: ` (one line), or null when it needs more than that. */
function inlineScalar(value: unknown): string | null {
  if (value !== null && typeof value === 'object') return null;
  const text = stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
  return text.includes('\n') ? null : text;
}

function trimEnd(text: string, end: number): number {
  while (end > 0 && /[\s]/.test(text[end - 1])) end--;
  return end;
}

function columnOf(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return offset - lineStart;
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((it) => isPair(it) && String(isScalar(it.key) ? it.key.value : it.key) === key) as Pair | undefined;
}

function isBlockMap(node: unknown): node is YAMLMap {
  return isMap(node) && !(node as YAMLMap).flow;
}

/**
 * `text` with `path` set to `value`, or null when the file's shape does not allow a local edit (flow-style maps,
 * a non-map on the way); the caller then re-serialises the document.
 */
export function setInYamlText(text: string, path: Path, value: unknown): string | null {
  const doc: Document = parseDocument(text);
  if (doc.errors.length) return null;
  const seq = listsIndented(text);
  let node: unknown = doc.contents;
  if (node == null) return `${fragment(path[0], nest(path.slice(1), value), 0, true)}\n`;
  for (let i = 0; i < path.length; i++) {
    if (!isBlockMap(node)) return null;
    const map = node;
    const pair = findPair(map, path[i]);
    if (!pair) {
      // Append the missing key (with the rest of the path nested under it) after the map's last entry.
      const indent = map.items.length ? columnOf(text, ((map.items[0] as Pair).key as { range: [number, number, number] }).range[0]) : 0;
      const last = map.items.at(-1) as Pair | undefined;
      const end = last ? trimEnd(text, ((last.value ?? last.key) as { range: [number, number, number] }).range[2]) : 0;
      const frag = fragment(path[i], nest(path.slice(i + 1), value), indent, seq);
      const lineEnd = text.indexOf('\n', end);
      const at = lineEnd < 0 ? text.length : lineEnd;
      return lineEnd < 0 ? `${text}\n${frag}\n` : `${text.slice(0, at)}\n${frag}${text.slice(at)}`;
    }
    if (i < path.length - 1) {
      node = pair.value;
      continue;
    }
    const keyNode = pair.key as { range: [number, number, number] };
    const valNode = pair.value as { range?: [number, number, number] } | null;
    const inline = inlineScalar(value);
    if (valNode?.range && isScalar(pair.value) && inline !== null) {
      // Same line: replace just the scalar (a comment after it stays).
      const [start, end] = valNode.range;
      return text.slice(0, start) + inline + text.slice(end);
    }
    const start = keyNode.range[0];
    const end = trimEnd(text, valNode?.range ? valNode.range[1] : keyNode.range[2]);
    return text.slice(0, start) + fragment(path[i], value, columnOf(text, start), seq).trimStart() + text.slice(end);
  }
  return null;
}

function nest(rest: Path, value: unknown): unknown {
  return rest.reduceRight<unknown>((v, k) => ({ [k]: v }), value);
}
