// Context compression: when a thread's prompt nears the model's context window, its middle is summarised and the
// turn continues in a new thread linked to the old one. See compactor.ts for the flow.
export { ContextCompactor, limitsFor, summaryBudget, type CompactContext, type CompactionOutcome, type CompactionLimits } from './compactor';
export { ContextMeter, estimatePrompt, type CallRecord, type Estimate, type PromptParts } from './estimate';
export { selectBoundaries, toUnits, unitTokens, type Selection, type SelectOptions, type Unit } from './select';
export { fallbackSummary } from './fallback';
export { SUMMARY_OPEN, SUMMARY_CLOSE, frameSummary, summaryBody, currentGoal, isSummary, userText } from './frame';
export { SUMMARISER_MARKER, SUMMARY_SECTIONS, acceptSummary, summaryMessages, SummaryRejected } from './summarize';
export { TokenCounter, countText } from './tokens';
export { joinSummaryMessages } from './wire';
