// Aho–Corasick: which of many literal strings occur in a text, in one pass over it. The scanner asks this once per
// file for every literal its patterns need, instead of searching the text once per literal.
export class LiteralSet {
  private readonly goto: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  private readonly out: number[][] = [[]];
  readonly words: string[];
  /** Transitions for ASCII as a dense table (state * 128 + char → next state, or -1), built once: the hot path. */
  private ascii: Int32Array = new Int32Array(0);

  constructor(words: Iterable<string>) {
    this.words = [...new Set(words)];
    this.words.forEach((w, id) => {
      let s = 0;
      for (let i = 0; i < w.length; i++) {
        const c = w.charCodeAt(i);
        let next = this.goto[s].get(c);
        if (next === undefined) {
          next = this.goto.length;
          this.goto.push(new Map());
          this.fail.push(0);
          this.out.push([]);
          this.goto[s].set(c, next);
        }
        s = next;
      }
      this.out[s].push(id);
    });
    const queue: number[] = [];
    for (const s of this.goto[0].values()) queue.push(s);
    for (let qi = 0; qi < queue.length; qi++) {
      const r = queue[qi];
      for (const [c, s] of this.goto[r]) {
        queue.push(s);
        let f = this.fail[r];
        while (f !== 0 && !this.goto[f].has(c)) f = this.fail[f];
        const g = this.goto[f].get(c);
        this.fail[s] = g !== undefined && g !== s ? g : 0;
        this.out[s] = this.out[s].concat(this.out[this.fail[s]]);
      }
    }
    // Fold failure links into the table so scanning ASCII never walks them.
    const n = this.goto.length;
    this.ascii = new Int32Array(n * 128);
    for (const s of [0, ...queue]) {
      for (let c = 0; c < 128; c++) {
        const g = this.goto[s].get(c);
        this.ascii[s * 128 + c] = g !== undefined ? g : s === 0 ? 0 : this.ascii[this.fail[s] * 128 + c];
      }
    }
  }

  /** Ids (indexes into `words`) of the words found in `text`. */
  present(text: string): Uint8Array {
    const found = new Uint8Array(this.words.length);
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 128) {
        s = this.ascii[s * 128 + c];
        const o = this.out[s];
        for (let k = 0; k < o.length; k++) found[o[k]] = 1;
        continue;
      }
      let next = this.goto[s].get(c);
      while (next === undefined && s !== 0) {
        s = this.fail[s];
        next = this.goto[s].get(c);
      }
      s = next ?? 0;
      for (const id of this.out[s]) found[id] = 1;
    }
    return found;
  }
}
