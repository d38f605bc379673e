import { describe, expect, it } from 'vitest';
import type { Leaf } from '../../../src/body/leaf.js';
import { parseBody } from '../../../src/body/parse.js';
import { uninspectable } from './helpers.js';

const TYPE = 'multipart/form-data; boundary=XyZ';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);

/** [location, key, value, parent, wrap, container]. */
function rows(leaves: readonly Leaf[]) {
  return leaves.map((l) => [l.location, l.key, l.value, l.parent ?? '-', l.wrap ?? '-', l.container === true]);
}

function body(...chunks: Array<string | Buffer>): Buffer {
  return Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)));
}


describe('multipart/form-data', () => {
  const csv = '姓名,身份证号\r\n王小明,11010519491231002X\r\n"李,雷",110101199003071233\r\n';
  const upload = body(
    'preamble lines are ignored by receivers\r\n',
    '--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\ncall 13812345678\r\n',
    '--XyZ\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{"idCard":"11010519491231002X"}\r\n',
    `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="people.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n`,
    '--XyZ\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n', PNG, '\r\n',
    '--XyZ--\r\n',
  );

  it('reads a table in a text file of no table type: an "Excel" export that is TSV, a roster as .txt', () => {
    const tsv = 'Emp ID\tName (CN)\tName (EN)\tMobile\r\nCN1\t曹翔立\tCAO XIANGLI\t17622844745\r\nCN2\t金志亮\t\t15575883675\r\nCN3\t诸葛萍\t\t17515228240\r\nCN4\t王芳\tWANG FANG\t13812345678\r\n';
    const roster = '员工姓名;手机号码\n廖磊;13812345678\n王芳;13912345678\n李娜;13712345678\n张伟;13612345678\n';
    const upload = body(
      `--XyZ\r\nContent-Disposition: form-data; name="file"; filename="headcount.xls"\r\nContent-Type: application/vnd.ms-excel\r\n\r\n${tsv}\r\n`,
      `--XyZ\r\nContent-Disposition: form-data; name="roster"; filename="members.tsv"\r\n\r\n${roster}\r\n`,
      '--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nplease see the files, thanks\r\n',
      '--XyZ--\r\n',
    );
    const leaves = parseBody(upload, TYPE).leaves;
    expect(leaves.filter((l) => l.key === 'Name (EN)').map((l) => l.value)).toEqual(['CAO XIANGLI', 'WANG FANG']);
    expect(leaves.filter((l) => l.key === '员工姓名').map((l) => l.value)).toEqual(['廖磊', '王芳', '李娜', '张伟']);
    expect(leaves.find((l) => l.key === 'note')?.container).toBeUndefined();
  });

  it("reads a CSV file separated by ';'", () => {
    const semi = body(
      '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="import.txt"\r\nContent-Type: text/csv\r\n\r\n姓名;身份证号\r\n王小明;11010519491231002X\r\n\r\n',
      '--XyZ--\r\n',
    );
    expect(parseBody(semi, TYPE).leaves.filter((l) => l.key === '姓名' || l.key === '身份证号').map((l) => l.value)).toEqual(['王小明', '11010519491231002X']);
  });

  it('reads a text field, a JSON part and a CSV file, and reports the binary part', () => {
    const parsed = parseBody(upload, TYPE);
    expect(parsed.format).toBe('multipart');
    expect(rows(parsed.leaves)).toEqual([
      ['#preamble', undefined, 'preamble lines are ignored by receivers', '-', '-', false],
      ['/note', 'note', 'call 13812345678', '-', '-', false],
      ['/meta', 'meta', '{"idCard":"11010519491231002X"}', '-', '-', true],
      ['/meta|json/idCard', 'idCard', '11010519491231002X', 2, 'part', false],
      ['/file/#file.csv|filename', 'filename', 'people.csv', '-', '-', false],
      ['/file/#file.csv', 'file', csv, '-', '-', true],
      ['/file/#file.csv|csv/0/0', undefined, '姓名', 5, 'csv', false],
      ['/file/#file.csv|csv/0/1', undefined, '身份证号', 5, 'csv', false],
      ['/file/#file.csv|csv/1/姓名', '姓名', '王小明', 5, 'csv', false],
      ['/file/#file.csv|csv/1/身份证号', '身份证号', '11010519491231002X', 5, 'csv', false],
      ['/file/#file.csv|csv/2/姓名', '姓名', '李,雷', 5, 'csv', false],
      ['/file/#file.csv|csv/2/身份证号', '身份证号', '110101199003071233', 5, 'csv', false],
      // A binary file's name is read all the same.
      ['/photo/#file.png|filename', 'filename', 'a.png', '-', '-', false],
    ]);
    expect(parsed.opaque).toEqual([{ location: '/photo/#file.png', reason: 'binary content type image/png' }]);
  });

  it('gives part spans in the body and child spans in the part content', () => {
    const { leaves } = parseBody(upload, TYPE);
    const note = leaves[1]!;
    expect(upload.toString('utf8', note.rawStart, note.rawEnd)).toBe('call 13812345678');
    const name = leaves[4]!;
    expect(upload.toString('utf8', name.rawStart, name.rawEnd)).toBe('people.csv');
    const file = leaves[5]!;
    expect(upload.subarray(file.rawStart, file.rawEnd).toString('utf8')).toBe(csv);
    const li = leaves[10]!;
    expect(Buffer.from(file.value).toString('utf8', li.rawStart, li.rawEnd)).toBe('李,雷');
  });

  it('accepts LF-only line ends, transport padding, and no final line end', () => {
    const lf = body('--XyZ \t\nContent-Disposition: form-data; name="a"\n\nhello\nworld\n--XyZ\ncontent-disposition: form-data; name=b\n\n\n--XyZ--');
    const parsed = parseBody(lf, TYPE);
    expect(rows(parsed.leaves)).toEqual([['/a', 'a', 'hello\nworld', '-', '-', false]]);
  });

  it('decodes a base64 transfer encoding (kept line length) and reads the content by its type', () => {
    const json = JSON.stringify({ phone: '13812345678', pad: 'p'.repeat(60) });
    const b64 = Buffer.from(json).toString('base64').replace(/.{76}/g, '$&\r\n');
    const parsed = parseBody(
      body(`--XyZ\r\nContent-Disposition: form-data; name="j"\r\nContent-Type: application/json\r\nContent-Transfer-Encoding: BASE64\r\n\r\n${b64}\r\n--XyZ--\r\n`),
      TYPE,
    );
    expect(rows(parsed.leaves)).toEqual([
      ['/j', 'j', b64, '-', '-', true],
      ['/j|base64', 'j', json, 0, 'base64', true],
      ['/j|base64|json/phone', 'phone', '13812345678', 1, 'part', false],
      ['/j|base64|json/pad', 'pad', 'p'.repeat(60), 1, 'part', false],
    ]);
  });

  it('names parts by escaped name and filename (filename* preferred), or by index', () => {
    const parsed = parseBody(
      body(
        '--XyZ\r\nContent-Disposition: form-data; name="a/b~c"; filename="x.txt"; filename*=UTF-8\'\'%E5%90%8D%2F1.txt\r\n\r\n内容\r\n',
        '--XyZ\r\n\r\nno headers\r\n',
        '--XyZ\r\nContent-Disposition: form-data; name="q\\"uote"\r\n\r\nv\r\n',
        '--XyZ--',
      ),
      TYPE,
    );
    expect(parsed.leaves.map((l) => [l.location, l.key])).toEqual([
      // A file's name is kept out of the location, which audit records carry: it may name
      // someone in any script. Its extension stands for it.
      ['/a~1b~0c/#file.txt|filename', 'filename'], ['/a~1b~0c/#file.txt', 'a/b~c'], ['/#1', undefined], ['/q"uote', 'q"uote'],
      ['/a~1b~0c/#file.txt|filename|pct', 'filename'],
    ]);
    const latin = parseBody(body('--XyZ\r\nContent-Disposition: form-data; name="doc"; filename="Zhang_Wei_passport.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n', '--XyZ--'), TYPE);
    expect([...latin.leaves.map((l) => l.location), ...(latin.opaque ?? []).map((o) => o.location)]).toEqual(['/doc/#file.pdf|filename', '/doc/#file.pdf']);
    // The filename leaf is the filename* value as written; its percent-encoding is opened.
    expect([parsed.leaves[0]!.value, parsed.leaves[4]!.value]).toEqual(["UTF-8''%E5%90%8D%2F1.txt", "UTF-8''名/1.txt"]);
  });

  it('treats unreadable content as opaque and skips empty file inputs', () => {
    const parsed = parseBody(
      body(
        '--XyZ\r\nContent-Disposition: form-data; name="empty"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n',
        '--XyZ\r\nContent-Disposition: form-data; name="gbk"\r\nContent-Type: text/plain; charset=gbk\r\n\r\nabc\r\n',
        '--XyZ\r\nContent-Disposition: form-data; name="bad"\r\n\r\n', Buffer.from([0x61, 0xff]), '\r\n',
        '--XyZ\r\nContent-Disposition: form-data; name="qp"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3D1\r\n',
        '--XyZ\r\nContent-Disposition: form-data; name="b64"\r\nContent-Transfer-Encoding: base64\r\n\r\nnot base64!\r\n',
        '--XyZ\r\nContent-Disposition: form-data; name="sheet"; filename="t.csv"\r\nContent-Type: application/vnd.ms-excel\r\n\r\nphone\r\n13812345678\r\n',
        '--XyZ--\r\n',
      ),
      TYPE,
    );
    expect(parsed.opaque).toEqual([
      { location: '/gbk', reason: 'charset gbk' },
      { location: '/bad', reason: 'not valid UTF-8 text' },
      { location: '/qp', reason: 'content-transfer-encoding quoted-printable' },
      { location: '/b64', reason: 'invalid base64 content' },
    ]);
    expect(parsed.leaves.map((l) => l.location)).toEqual(['/sheet/#file.csv|filename', '/sheet/#file.csv', '/sheet/#file.csv|csv/0/0', '/sheet/#file.csv|csv/1/phone']);
  });

  it('reads an octet-stream file that is printable UTF-8 as text, and refuses one that is not', () => {
    const parsed = parseBody(
      body(
        '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="reads.fa"\r\nContent-Type: application/octet-stream\r\n\r\n>S1\nACGT\r\n',
        '--XyZ\r\nContent-Disposition: form-data; name="bin"; filename="x.dat"\r\nContent-Type: application/octet-stream\r\n\r\n', Buffer.from([0x01, 0x02, 0x41]), '\r\n',
        '--XyZ--\r\n',
      ),
      TYPE,
    );
    expect(parsed.leaves.map((l) => [l.location, l.value])).toEqual([
      ['/file/#file.fa|filename', 'reads.fa'], ['/file/#file.fa', '>S1\nACGT'], ['/bin/#file.dat|filename', 'x.dat'],
    ]);
    expect(parsed.opaque).toEqual([{ location: '/bin/#file.dat', reason: 'binary content type application/octet-stream' }]);
  });

  it('reads a form-encoded part as its fields, byte spans in the part', () => {
    const form = 'shouji=132+4640+9918&name=%E5%BC%A0%E4%BC%9F';
    const parsed = parseBody(body(`--XyZ\r\nContent-Disposition: form-data; name="q"\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n${form}\r\n--XyZ--\r\n`), TYPE);
    expect(rows(parsed.leaves)).toEqual([
      ['/q', 'q', form, '-', '-', true],
      ['/q|form/shouji', 'shouji', '132 4640 9918', 0, 'part', false],
      ['/q|form/name', 'name', '张伟', 0, 'part', false],
    ]);
    const name = parsed.leaves[2]!;
    expect(form.slice(name.rawStart, name.rawEnd)).toBe('%E5%BC%A0%E4%BC%9F');
  });

  it('reads a non-blank epilogue', () => {
    const parsed = parseBody(body('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--XyZ--\r\ntrailing 13812345678'), TYPE);
    expect(parsed.leaves.map((l) => [l.location, l.value])).toEqual([['/a', 'x'], ['#epilogue', 'trailing 13812345678']]);
  });

  it.each([
    ['no boundary parameter', 'multipart/form-data', '--XyZ\r\n\r\nx\r\n--XyZ--', /no boundary parameter/],
    ['no delimiter at all', TYPE, 'just text', /no boundary delimiter/],
    ['missing closing delimiter', TYPE, '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n', /missing the closing delimiter/],
    ['headers never end', TYPE, '--XyZ\r\nContent-Disposition: form-data; name="a"', /part headers without an end/],
    ['boundary followed by other text on its line', TYPE, '--XyZ\r\n\r\nx\r\n--XyZabc\r\n--XyZ--', /is not a delimiter/],
    ['garbage after a delimiter', TYPE, '--XyZ junk\r\n\r\nx\r\n--XyZ--', /bad delimiter line/],
  ])('refuses a malformed body: %s', (_name, type, raw, detail) => {
    expect(uninspectable(() => parseBody(Buffer.from(raw), type))).toMatch(detail);
  });

  it('reads a quoted boundary with special characters', () => {
    const parsed = parseBody(Buffer.from("--a'(b)+_,-./:=?\r\n\r\nv\r\n--a'(b)+_,-./:=?--"), `multipart/form-data; boundary="a'(b)+_,-./:=?"`);
    expect(parsed.leaves.map((l) => l.value)).toEqual(['v']);
  });
});
