// Aho–Corasick: which of many literal strings occur in a text, in one pass over it. The scanner asks this once per
// file for every literal its patterns need, instead of searching the text once per literal.
export class LiteralSet {
  private readonly goto: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  private readonly out: number[][] = [[]];
  readonly words: string[];

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
  }

  /** Ids (indexes into `words`) of the words found in `text`. */
  present(text: string): Uint8Array {
    const found = new Uint8Array(this.words.length);
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
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
