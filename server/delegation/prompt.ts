// What a subagent is told: the system prompt's extra section (who it is and how to end) and its first message (the
// task). It starts with no history of the parent's conversation, so everything it needs must be in these.

export function childPromptSection(o: { cwd: string; canDelegate: boolean }): string {
  return [
    '## You are a subagent',
    'You are a focused subagent: another agent handed you one task and waits for your result. You do not talk to the',
    'user; nobody will answer questions, so make reasonable assumptions and say which ones you made.',
    `Work in ${o.cwd} unless the task names another place.`,
    o.canDelegate
      ? 'You may delegate parts of your task with delegate_task when they are independent.'
      : 'You cannot delegate, ask the user, write memory or send messages.',
    'When you are done, reply with a concise summary for the agent that delegated to you: what you did, what you',
    'found, which files you created or changed, and anything left unresolved. That reply is all it will see.',
  ].join('\n');
}

export function taskMessage(goal: string, context?: string): string {
  return `YOUR TASK:\n${goal.trim()}${context?.trim() ? `\n\nCONTEXT:\n${context.trim()}` : ''}`;
}

/** The notice turn that brings a background subagent's result back to its parent. */
export function completionNotice(r: { delegation_id: string; goal: string; status: string; summary: string; child_thread_id: string; iterations: number; tokens: { total: number }; duration_seconds: number }): string {
  return [
    `[Notice from the host, not from the user: background delegation ${r.delegation_id} ended with status "${r.status}".]`,
    `Goal: ${r.goal}`,
    `Result: ${r.summary}`,
    `(subagent thread ${r.child_thread_id}; ${r.iterations} model call(s), ${r.tokens.total} tokens, ${r.duration_seconds.toFixed(1)} s)`,
    'Use this result for the task it belongs to; tell the user what matters from it.',
  ].join('\n');
}
