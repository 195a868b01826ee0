// A small logger: one line per event, redacted, to HERMES_HOME/logs/host.log and to stderr (stdout belongs to the
// JSON-RPC stream in --stdio mode, and the VS Code extension shows the host's stderr in its output channel).
import { appendFileSync, mkdirSync, statSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const MAX_BYTES = 5 * 1024 * 1024;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export interface LogSink {
  file?: string;
  stderr: boolean;
  level: LogLevel;
}

export function createLogger(sink: LogSink, scope = 'host'): Logger {
  if (sink.file) mkdirSync(dirname(sink.file), { recursive: true });
  let writes = 0;
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[sink.level]) return;
    let extra = '';
    if (fields && Object.keys(fields).length) {
      try {
        extra = ' ' + JSON.stringify(fields, (_k, v) => (v instanceof Error ? v.stack ?? v.message : v));
      } catch {
        extra = ' [unserialisable fields]';
      }
    }
    const line = redact(`${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${msg}${extra}`) + '\n';
    if (sink.stderr) process.stderr.write(line);
    if (sink.file) {
      try {
        if (++writes % 200 === 0 && statSync(sink.file).size > MAX_BYTES) renameSync(sink.file, sink.file + '.1');
        appendFileSync(sink.file, line, { mode: 0o600 });
      } catch {
        // Logging must never take the host down.
      }
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (s) => createLogger(sink, `${scope}:${s}`),
  };
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
