// The summariser: one tool-less call to the thread's own model that turns the middle of the thread into a hand-over
// note with fixed sections. An answer that is empty or does not follow the template counts as a failure, so the
// caller falls back to the deterministic record instead of inserting something that loses the task.
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { TodoItem } from '../../protocol';
import { redact } from '../../util/redact';
import { renderTodos } from './frame';

export const SUMMARY_SECTIONS = [
  'Goal',
  'Constraints & preferences',
  'Completed actions',
  'Active state',
  'Open questions',
  'Relevant files/commands',
  'Next steps',
] as const;

/** Marks the summariser's request, so logs (and scripted test servers) can tell it from agent calls. */
export const SUMMARISER_MARKER = 'You are the context compressor of an AI agent.';

const SECTION_HELP: Record<(typeof SUMMARY_SECTIONS)[number], string> = {
  Goal: "The user's overall goal and the current request, in the user's terms.",
  'Constraints & preferences': 'Requirements, limits and preferences the user stated; decisions already taken.',
  'Completed actions': 'A numbered list of what was done, each with its concrete result (paths, values, outcomes). These are DONE.',
  'Active state': 'Where the work stands: what is in progress, what changed, what is known to be true now.',
  'Open questions': 'Unanswered questions, blockers and errors not yet resolved.',
  'Relevant files/commands': 'Paths, commands, URLs and identifiers needed to continue, exactly as written.',
  'Next steps': 'What remains for the current request, in order.',
};

export interface SummaryRequest {
  transcript: string;
  goal: string;
  todos: TodoItem[];
  /** Target length of the summary in tokens. */
  budgetTokens: number;
  hasEarlierSummary: boolean;
}

export function summaryMessages(r: SummaryRequest): ChatCompletionMessageParam[] {
  const words = Math.max(120, Math.round(r.budgetTokens * 0.7));
  const system = [
    SUMMARISER_MARKER,
    'You write a faithful, compact hand-over summary of the conversation excerpt you are given, so that the agent can',
    'continue the task without it. Write only the summary. Do not answer questions from the excerpt, do not continue',
    'the task, do not invent anything, and never copy secrets (keys, tokens, passwords) into it.',
  ].join(' ');
  const user = [
    'Summarise the conversation excerpt below. It is the middle of a longer thread: the agent keeps the first exchange and the most recent messages verbatim, and this summary replaces everything in between.',
    '',
    'Use exactly these markdown sections, in this order; write "none" under a section that has nothing:',
    ...SUMMARY_SECTIONS.map((s) => `## ${s}\n${SECTION_HELP[s]}`),
    '',
    `Keep it under about ${words} words. Quote exact values (paths, numbers, error messages) instead of paraphrasing.`,
    r.hasEarlierSummary
      ? 'The excerpt starts with an earlier summary: carry its content forward (merge it, keep its completed actions) rather than summarising the summary.'
      : '',
    '',
    'Current todo list:',
    renderTodos(r.todos),
    '',
    'Latest user request (the current goal):',
    '"""',
    r.goal,
    '"""',
    '',
    '<excerpt>',
    r.transcript,
    '</excerpt>',
  ]
    .filter((l, i, a) => l !== '' || a[i - 1] !== '')
    .join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

export class SummaryRejected extends Error {
  constructor(reason: string) {
    super(`the summary was not usable: ${reason}`);
    this.name = 'SummaryRejected';
  }
}

/**
 * Cleans the model's answer and checks it is a summary: not empty, not a stray sentence, and following the
 * template (at least three of its sections). Throws SummaryRejected otherwise.
 */
export function acceptSummary(raw: string, maxChars: number): string {
  let text = raw.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  text = text.replace(/^```(?:markdown|md)?\s*\n([\s\S]*?)\n```$/i, '$1').trim();
  if (!text) throw new SummaryRejected('empty answer');
  if (text.length < 80) throw new SummaryRejected(`too short (${text.length} chars)`);
  const found = SUMMARY_SECTIONS.filter((s) => new RegExp(`^\\s*(?:#{1,4}\\s*|\\*\\*)${escape(s)}`, 'im').test(text));
  if (found.length < 3) throw new SummaryRejected(`it does not follow the template (sections found: ${found.join(', ') || 'none'})`);
  if (new Set(text.replace(/\s/g, '')).size < 8) throw new SummaryRejected('no meaningful text');
  if (text.length > maxChars) text = `${text.slice(0, maxChars)}\n[… summary cut at ${maxChars} chars …]`;
  return redact(text);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/&]/g, '\\$&');
}
