// An HTTP response's body decoded from its Content-Encoding (gzip, deflate, br); any other body as it came.
import type http from 'node:http';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

export function decodedBody(res: http.IncomingMessage): Readable {
  const enc = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (enc === 'gzip' || enc === 'x-gzip') return res.pipe(zlib.createGunzip());
  if (enc === 'deflate') return res.pipe(zlib.createInflate());
  if (enc === 'br') return res.pipe(zlib.createBrotliDecompress());
  return res;
}
