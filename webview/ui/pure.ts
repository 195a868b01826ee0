// A memo for function components without pulling in preact/compat: re-renders only when a prop changed identity.
import { Component, h, type FunctionComponent } from 'preact';

export function pure<P extends object>(fn: FunctionComponent<P>): FunctionComponent<P> {
  class Pure extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      const prev = this.props as Record<string, unknown>;
      const n = next as Record<string, unknown>;
      for (const k in n) if (n[k] !== prev[k]) return true;
      for (const k in prev) if (!(k in n)) return true;
      return false;
    }
    override render() {
      return h(fn, this.props);
    }
  }
  return Pure as unknown as FunctionComponent<P>;
}
