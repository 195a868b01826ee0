// The host logs one line per event to stderr: `<ISO time> <LEVEL> [scope] message`. The output channel adds its
// own time and level, so the line is split into a level and the rest.
export interface HostLogLine {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  text: string;
}

const LINE = /^\d{4}-\d\d-\d\dT[\d:.]+Z (DEBUG|INFO|WARN|ERROR) (.*)$/;

export function parseHostLogLine(raw: string): HostLogLine | null {
  const line = raw.replace(/\r$/, '');
  if (!line.trim()) return null;
  const m = LINE.exec(line);
  if (!m) return { level: 'error', text: line }; // not a log line: a crash trace or a native module message
  return { level: m[1].toLowerCase() as HostLogLine['level'], text: m[2] };
}
