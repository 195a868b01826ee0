// Keeps a command's output for its result: everything up to a cap, beyond that the head and the tail with a count of
// what was dropped in between (a runaway command must not exhaust the host's memory).
export class OutputCapture {
  private head = '';
  private tail = '';
  private dropped = 0;

  constructor(private readonly maxChars: number) {}

  add(text: string): void {
    const half = this.maxChars / 2;
    if (this.head.length < half && !this.dropped) {
      const take = text.slice(0, half - this.head.length);
      this.head += take;
      text = text.slice(take.length);
      if (!text) return;
    }
    this.tail += text;
    if (this.tail.length > half) {
      this.dropped += this.tail.length - half;
      this.tail = this.tail.slice(this.tail.length - half);
    }
  }

  text(): string {
    if (!this.dropped) return this.head + this.tail;
    return `${this.head}\n[hermes: ${this.dropped} characters of output omitted]\n${this.tail}`;
  }
}
