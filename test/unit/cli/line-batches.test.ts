import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineBatchWriter, lineBatches } from '../../../src/cli/line-batches.js';

async function linesOf(chunks: (string | Buffer)[]): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of lineBatches(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))))) out.push(...batch);
  return out;
}

describe('lineBatches', () => {
  it.each([
    { name: 'LF', chunks: ['a\nb\n'], lines: ['a', 'b'] },
    { name: 'no final newline', chunks: ['a\nb'], lines: ['a', 'b'] },
    { name: 'CRLF', chunks: ['a\r\nb\r\n'], lines: ['a', 'b'] },
    { name: 'lone CR, as readline', chunks: ['a\rb\n'], lines: ['a', 'b'] },
    { name: 'CRLF split across chunks', chunks: ['a\r', '\nb\n'], lines: ['a', 'b'] },
    { name: 'CR at a chunk end, then text', chunks: ['a\r', 'b\n'], lines: ['a', 'b'] },
    { name: 'blank lines kept (the caller numbers them)', chunks: ['a\n\n\nb\n'], lines: ['a', '', '', 'b'] },
    { name: 'a line across three chunks', chunks: ['{"id"', ':"x","bo', 'dy":"y"}\n'], lines: ['{"id":"x","body":"y"}'] },
    { name: 'empty input', chunks: [], lines: [] },
  ])('$name', async ({ chunks, lines }) => {
    expect(await linesOf(chunks)).toEqual(lines);
  });

  it('keeps a UTF-8 character that a chunk boundary splits', async () => {
    const bytes = Buffer.from('{"name":"张三"}\n');
    const cut = bytes.indexOf(Buffer.from('张')) + 1;
    expect(await linesOf([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(['{"name":"张三"}']);
  });
});

describe('LineBatchWriter', () => {
  it('writes what was pushed as one write, and waits for drain when the reader is behind', async () => {
    const writes: string[] = [];
    let release: (() => void) | undefined;
    const out = new Writable({
      highWaterMark: 4,
      write(chunk: Buffer, _enc, done) {
        writes.push(chunk.toString());
        release = done;
      },
    });
    const writer = new LineBatchWriter(out);
    writer.push('one\n');
    writer.push('two\n');
    let flushed = false;
    const flushing = writer.flush().then(() => (flushed = true));
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual(['one\ntwo\n']);
    expect(flushed).toBe(false);
    release!();
    await flushing;
    expect(flushed).toBe(true);
  });
});
