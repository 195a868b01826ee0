// The host's JSON-RPC framing: every malformed header kind is answered and either resynchronised or fatal, an
// unterminated header costs linear work and bounded memory, and oversize frames are refused before buffering.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Message } from 'vscode-jsonrpc/node';
import { FrameParser, HEADER_LIMIT } from '../../../server/rpc/frame-parser';
import { FramingError, HostMessageReader, sniffId } from '../../../server/rpc/message-reader';

function frame(body: string | object, extraHeaders = ''): Buffer {
  const b = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\r\n${extraHeaders}\r\n`, 'latin1'), b]);
}

const req = (id: number, method = 'thread/list') => ({ jsonrpc: '2.0', id, method, params: {} });

function harness(max = 1024 * 1024) {
  const stream = new PassThrough();
  const reader = new HostMessageReader(stream, max);
  const messages: Message[] = [];
  const errors: FramingError[] = [];
  let closed = false;
  reader.onError((e) => errors.push(e as FramingError));
  reader.onClose(() => (closed = true));
  reader.listen((m) => messages.push(m));
  return {
    reader,
    messages,
    errors,
    feed: (b: Buffer | string) => reader.onData(typeof b === 'string' ? Buffer.from(b, 'latin1') : b),
    closed: () => closed,
    stream,
  };
}

describe('HostMessageReader: well-formed input', () => {
  it('reads frames split at every byte boundary and several frames in one chunk', () => {
    const h = harness();
    const all = Buffer.concat([frame(req(1)), frame(req(2), 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n'), frame(req(3))]);
    for (let i = 0; i < all.length; i++) h.feed(all.subarray(i, i + 1));
    h.feed(all);
    expect(h.messages.map((m: any) => m.id)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(h.errors).toEqual([]);
  });

  it('decodes multi-byte UTF-8 split across chunks', () => {
    const h = harness();
    const f = frame({ jsonrpc: '2.0', method: 'x', params: { t: 'é✓🙂' } });
    h.feed(f.subarray(0, f.length - 4));
    h.feed(f.subarray(f.length - 4));
    expect((h.messages[0] as any).params.t).toBe('é✓🙂');
  });

  it('fires close when the stream ends', () => {
    const h = harness();
    h.stream.end();
    h.stream.resume();
    return new Promise<void>((r) => setImmediate(() => (expect(h.closed()).toBe(true), r())));
  });
});

describe('HostMessageReader: malformed headers resynchronise', () => {
  const bad: [string, string, RegExp][] = [
    ['non-numeric length', 'Content-Length: abc\r\n\r\n{"x":1}', /not a non-negative integer: "abc"/],
    ['negative length', 'Content-Length: -5\r\n\r\n{"x":1}', /not a non-negative integer: "-5"/],
    ['fractional length', 'Content-Length: 1.5\r\n\r\n{"x":1}', /not a non-negative integer/],
    ['empty length', 'Content-Length:\r\n\r\n{"x":1}', /not a non-negative integer: ""/],
    ['missing length', 'Content-Type: application/json\r\n\r\n{"x":1}', /without Content-Length/],
    ['conflicting lengths', 'Content-Length: 3\r\nContent-Length: 4\r\n\r\n{"x":1}', /twice/],
  ];
  for (const [name, bytes, why] of bad) {
    it(`${name}: a ParseError, then the next frame is read`, () => {
      const h = harness();
      h.feed(bytes);
      h.feed(frame(req(7)));
      expect(h.errors).toHaveLength(1);
      expect(h.errors[0]).toBeInstanceOf(FramingError);
      expect(h.errors[0].kind).toBe('ParseError');
      expect(h.errors[0].fatal).toBe(false);
      expect(h.errors[0].message).toMatch(why);
      expect(h.messages.map((m: any) => m.id)).toEqual([7]);
    });
  }

  it('a header line without ":" with a valid length: InvalidRequest with the request id, body skipped', () => {
    const h = harness();
    h.feed(frame(req(4), 'X-Broken-Line\r\n'));
    h.feed(frame(req(5)));
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]).toMatchObject({ kind: 'InvalidRequest', id: 4, fatal: false });
    expect(h.errors[0].message).toMatch(/header line 2 has no "name: value" form/);
    expect(h.messages.map((m: any) => m.id)).toEqual([5]);
  });

  it('an unsupported charset is refused and skipped', () => {
    const h = harness();
    h.feed(frame(req(8), 'Content-Type: application/json; charset=latin1\r\n'));
    h.feed(frame(req(9)));
    expect(h.errors[0]).toMatchObject({ kind: 'InvalidRequest', id: 8 });
    expect(h.messages.map((m: any) => m.id)).toEqual([9]);
  });

  it('bodies that are not JSON, not UTF-8 or not JSON-RPC are answered and the stream goes on', () => {
    const h = harness();
    h.feed(frame('{"jsonrpc":"2.0","id":11,"method":'));
    h.feed(frame(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('latin1')));
    h.feed(Buffer.concat([Buffer.from('Content-Length: 4\r\n\r\n'), Buffer.from([0x22, 0xc3, 0x28, 0x22])]));
    h.feed(frame([req(1), req(2)]));
    h.feed(frame({ jsonrpc: '1.0', id: 12, method: 'x' }));
    h.feed(frame({ jsonrpc: '2.0', id: 13, method: 42 }));
    h.feed(frame({ jsonrpc: '2.0', params: {} }));
    h.feed(frame('42'));
    h.feed(frame(req(14)));
    expect(h.errors.map((e) => [e.kind, e.id, e.fatal])).toEqual([
      ['ParseError', null, false],
      ['ParseError', null, false],
      ['ParseError', null, false],
      ['InvalidRequest', null, false],
      ['InvalidRequest', 12, false],
      ['InvalidRequest', 13, false],
      ['InvalidRequest', null, false],
      ['InvalidRequest', null, false],
    ]);
    expect(h.errors[3].message).toMatch(/batch/);
    expect(h.messages.map((m: any) => m.id)).toEqual([14]);
  });
});

describe('HostMessageReader: limits', () => {
  it('an oversize frame is refused from its header, answered with its id, its body never buffered', () => {
    const h = harness(1024);
    const big = JSON.stringify({ jsonrpc: '2.0', id: 'big-1', method: 'turn/start', params: { text: 'x'.repeat(50_000) } });
    h.feed(`Content-Length: ${Buffer.byteLength(big)}\r\n\r\n`);
    for (let i = 0; i < big.length; i += 4096) h.feed(Buffer.from(big.slice(i, i + 4096)));
    h.feed(frame(req(2)));
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]).toMatchObject({ kind: 'InvalidRequest', id: 'big-1', fatal: false });
    expect(h.errors[0].message).toMatch(/exceeds the limit of 1024 bytes \(rpc\.max_message_bytes\)/);
    expect(h.messages.map((m: any) => m.id)).toEqual([2]);
    // Skipping copies at most the id-sniffing prefix, one step per chunk: no body is held.
    expect(h.reader.parser.work).toBeLessThan(200);
  });

  it('a frame announced far beyond the limit is not skipped: error, then the connection is given up', () => {
    const h = harness(1024);
    h.feed('Content-Length: 9999999999999999\r\n\r\n{"jsonrpc":"2.0","id":1');
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]).toMatchObject({ kind: 'InvalidRequest', fatal: true });
    expect(h.errors[0].message).toMatch(/too far to skip/);
  });

  it('a header without terminator, fed byte by byte: linear work, then a fatal error at the header limit', () => {
    const h = harness();
    const n = HEADER_LIMIT + 100;
    for (let i = 0; i < n; i++) h.feed(Buffer.from([i % 2 ? 0x61 : 0x3a]));
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]).toMatchObject({ kind: 'ParseError', fatal: true });
    expect(h.errors[0].message).toMatch(/longer than 8192 bytes/);
    // Each byte is looked at once: the work is the byte count, not its square.
    expect(h.reader.parser.work).toBeLessThanOrEqual(HEADER_LIMIT + 1);
    h.feed(frame(req(1)));
    expect(h.messages).toEqual([]);
    expect(h.reader.parser.dead).toBe(true);
  });

  it('work stays linear over many small valid frames fed byte by byte', () => {
    const p = new FrameParser(1 << 20);
    const all = Buffer.concat(Array.from({ length: 50 }, (_, i) => frame(req(i))));
    let frames = 0;
    for (let i = 0; i < all.length; i++) frames += p.push(all.subarray(i, i + 1)).filter((e) => e.type === 'frame').length;
    expect(frames).toBe(50);
    expect(p.work).toBeLessThanOrEqual(all.length);
  });

  it('garbage bytes where a header should be are fatal', () => {
    const h = harness();
    h.feed(Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00]), Buffer.from('\r\n\r\n')]));
    expect(h.errors[0]).toMatchObject({ kind: 'ParseError', fatal: true });
    expect(h.errors[0].message).toMatch(/garbage/);
  });

  it('a resync that never finds another header gives up once past the frame limit', () => {
    const h = harness(64 * 1024);
    h.feed('Content-Length: nope\r\n\r\n');
    const junk = Buffer.alloc(16 * 1024, 0x7a);
    for (let i = 0; i < 6; i++) h.feed(junk);
    expect(h.errors.map((e) => e.fatal)).toEqual([false, true]);
    expect(h.errors[1].message).toMatch(/no frame header found/);
  });
});

describe('sniffId', () => {
  it('reads a top-level id before any nested value, and nothing else', () => {
    expect(sniffId(Buffer.from('{"jsonrpc":"2.0","id":42,"method":"turn/start","params":{"id":9'))).toBe(42);
    expect(sniffId(Buffer.from(' { "id" : "a\\"b" , "x"'))).toBe('a"b');
    expect(sniffId(Buffer.from('{"params":{"id":1},"id":2}'))).toBeNull();
    expect(sniffId(Buffer.from('{"jsonrpc":"2.0","method":"x"'))).toBeNull();
    expect(sniffId(Buffer.from('[{"id":1}]'))).toBeNull();
    expect(sniffId(Buffer.from('{"id":true}'))).toBeNull();
  });
});
