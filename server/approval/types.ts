// What tools ask before a dangerous action. The gate classifies, consults the allowlists and the policy mode, asks
// the attached clients through `approval/request` when needed, and audits every request and decision.
import type { ToolContext } from '../tools/types';

export type GateResult =
  | { allowed: true; decision?: 'allowlisted' | 'safe' | 'once' | 'session' | 'always' | 'policy-off' }
  | { allowed: false; message: string; decision: 'blocked' | 'deny' | 'timeout' | 'noAnswerer' | 'policy-deny' };
import type { RemoteFiles } from './remote-probe';

export interface ApprovalGate {
  /** Every way a command can reach a shell goes through here: terminal (foreground and background), process
   * write/submit, code execution, MCP tools that wrap a shell. */
  checkCommand(
    ctx: ToolContext,
    req: {
      command: string;
      cwd?: string;
      backend: string;
      tool: string;
      /** The sandbox user's home, for `~` forms. */
      home?: string;
      /** Where the command's files are read when they are not on this machine (docker, ssh): the scripts, build
       * files and git config it will run are judged by their content there. */
      files?: RemoteFiles;
      /** Input for the stdin of this background command (process write/submit): a shell's input is commands, a
       * REPL's is code. */
      stdinOf?: string;
    },
  ): Promise<GateResult>;
  /** Before a command runs OUTSIDE the OS sandbox (it failed inside because of it, or the model asked): asks with
   * `escalation` set, offering once / session (this command in this cwd, this thread) / deny. Never automatic:
   * approvals.mode off or deny refuse it, since turning the sandbox off is terminal.sandbox's job. */
  checkEscalation(
    ctx: ToolContext,
    req: { command: string; cwd: string; backend: string; tool: string; reason: string; home?: string },
  ): Promise<GateResult>;
  /** An outward action that is neither a command nor a file write (send_message to another chat, an MCP tool call):
   * asks once/deny, under the turn's policy, audited like the others. With `sessionKey` (an MCP tool) "session" is
   * offered too and allows that key for the rest of the thread. */
  checkAction(ctx: ToolContext, req: { tool: string; subject: string; reason: string; sessionKey?: string }): Promise<GateResult>;
  /** File tools call this before writing; sensitive paths ask. `real` is the path with symlinks resolved. */
  checkWrite(ctx: ToolContext, req: { path: string; tool: string; home?: string; real?: string }): Promise<GateResult>;
}
