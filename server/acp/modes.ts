// Session modes: how a session's turns treat what needs approval. `ask` is config.yaml's approvals (dangerous
// commands ask the user); `unattended` refuses them at once without asking, for a user who stepped away — the turn
// goes on and the model is told. A mode can only make approvals stricter than config, never looser.
import type * as acp from '@agentclientprotocol/sdk';

export type ModeId = 'ask' | 'unattended';

export const MODES: acp.SessionMode[] = [
  { id: 'ask', name: 'Ask', description: 'Dangerous commands and sensitive writes ask for permission (approvals as configured).' },
  { id: 'unattended', name: 'Unattended', description: 'Whatever would ask for permission is refused at once, without asking.' },
];

export function isMode(id: string): id is ModeId {
  return MODES.some((m) => m.id === id);
}

export function modeState(current: ModeId): acp.SessionModeState {
  return { currentModeId: current, availableModes: MODES };
}

/** The turn/start approval mode a session mode asks for (undefined: config's own). */
export function approvalModeOf(mode: ModeId): 'deny' | undefined {
  return mode === 'unattended' ? 'deny' : undefined;
}
