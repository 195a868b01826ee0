// The small shell syntax tree the tokenizer produces. Expansions stay unevaluated inside `Word.text` as
// NUL-delimited placeholders (NUL never survives normalisation, so it cannot be forged by the input):
//   \0$name\0      variable            \0{body\0   ${body}
//   \0#N\0         command substitution N (index into `subs`)
//   \0<N\0         process substitution N (index into `procs`)
//   \0%\0          arithmetic expansion

export interface Word {
  text: string;
  subs: Script[];
  procs: Script[];
  /** Contains an expansion ($var, ${…}, $(…), `…`, $((…))). */
  dynamic: boolean;
  /** Contains an unquoted expansion, so the shell word-splits its result. */
  splittable: boolean;
  /** Contains an unquoted `{`: a brace-expansion candidate. */
  braces: boolean;
  /** Some part was quoted or escaped, so it is never a reserved word. */
  quoted: boolean;
}

export interface Redirect {
  op: string;
  fd: string;
  target: Word | null;
  /** Heredoc body. */
  body?: string;
  /** Command substitutions inside an unquoted heredoc body (they run). */
  bodySubs?: Script[];
}

export interface SimpleCommand {
  kind: 'simple';
  words: Word[];
  redirects: Redirect[];
  text: string;
}

export interface GroupCommand {
  kind: 'group';
  body: Script;
  redirects: Redirect[];
  text: string;
}

export interface FunctionDef {
  kind: 'func';
  name: string;
  body: Command;
  text: string;
}

/** Syntax that runs nothing itself (for/select headers, [[ … ]], (( … ))); its words may hold substitutions. */
export interface NoopCommand {
  kind: 'noop';
  words: Word[];
  redirects: Redirect[];
  text: string;
}

export type Command = SimpleCommand | GroupCommand | FunctionDef | NoopCommand;

export interface Pipeline {
  commands: Command[];
  background: boolean;
}

export interface Script {
  pipelines: Pipeline[];
  /** Set when nesting or size limits cut parsing short; the classifier asks in that case. */
  truncated: boolean;
}
