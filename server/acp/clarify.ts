// The clarify tool's questions as ACP elicitations (a one-field form), when the client advertises form elicitation.
// Declining is an answer too — the model is told the user would not say — so a turn never waits out the timeout
// because someone closed the form.
import * as acp from '@agentclientprotocol/sdk';
import type { ServerRequestParams } from '../protocol';

type ClarifyRequestParams = ServerRequestParams<'clarify/request'>;

export function canElicit(caps: acp.ClientCapabilities): boolean {
  return !!caps.elicitation?.form;
}

export function elicitation(sessionId: string, p: ClarifyRequestParams): acp.CreateElicitationRequest {
  return {
    mode: 'form',
    sessionId,
    toolCallId: p.itemId,
    message: p.question,
    requestedSchema: {
      type: 'object',
      properties: {
        answer: {
          type: 'string',
          title: 'Answer',
          ...(p.choices?.length ? { description: `Suggested: ${p.choices.join(' / ')} (or answer freely)`, default: p.choices[0] } : {}),
        },
      },
      required: ['answer'],
    },
  };
}

export function answerOf(res: acp.CreateElicitationResponse): string {
  if (res.action === 'accept') {
    const v = (res as { content?: Record<string, unknown> | null }).content?.answer;
    if (v !== undefined && v !== null && String(v).trim()) return String(v);
  }
  return '(the user declined to answer)';
}
