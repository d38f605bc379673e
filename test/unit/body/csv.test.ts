import { describe, expect, it } from 'vitest';
import { parseCsv, sniffTableDelimiter, type CsvDelimiter } from '../../../src/body/csv.js';
import { parseBody } from '../../../src/body/parse.js';

/** [location, key, value, raw bytes of the span]. */
function rows(raw: string, delimiter: CsvDelimiter = ',') {
  const buf = Buffer.from(raw, 'utf8');
  return parseCsv(buf, { delimiter }).map((l) => [l.location, l.key, l.value, buf.toString('utf8', l.rawStart, l.rawEnd)]);
}

describe('parseCsv', () => {
  const cases: Array<[string, string, Array<[string, string | undefined, string, string]>]> = [
    ['header row gives keys; record 0 is the header', '身份证号,mobile\r\n11010519491231002X,13812345678\r\n', [
      ['/0/0', undefined, '身份证号', '身份证号'], ['/0/1', undefined, 'mobile', 'mobile'],
      ['/1/身份证号', '身份证号', '11010519491231002X', '11010519491231002X'], ['/1/mobile', 'mobile', '13812345678', '13812345678'],
    ]],
    ['a first row that is mostly digits is data', '张三,13812345678\n李四,13912345678\n', [
      ['/0/0', undefined, '张三', '张三'], ['/0/1', undefined, '13812345678', '13812345678'],
      ['/1/0', undefined, '李四', '李四'], ['/1/1', undefined, '13912345678', '13912345678'],
    ]],
    ['quoted fields: delimiters, doubled quotes, line breaks; span inside the quotes', 'name,addr\n"Li, Lei","a ""b""\r\nc"\n', [
      ['/0/0', undefined, 'name', 'name'], ['/0/1', undefined, 'addr', 'addr'],
      ['/1/name', 'name', 'Li, Lei', 'Li, Lei'], ['/1/addr', 'addr', 'a "b"\r\nc', 'a ""b""\r\nc'],
    ]],
    ['empty cells give no leaf; short rows and a missing final line end are fine', 'a,b,c\n,x\n1,,\n"",y,', [
      ['/0/0', undefined, 'a', 'a'], ['/0/1', undefined, 'b', 'b'], ['/0/2', undefined, 'c', 'c'],
      ['/1/b', 'b', 'x', 'x'], ['/2/a', 'a', '1', '1'], ['/3/b', 'b', 'y', 'y'],
    ]],
    ['header names are pointer-escaped; empty header names fall back to the index', 'a/b,,x~y\n1,2,3\n', [
      ['/0/0', undefined, 'a/b', 'a/b'], ['/0/2', undefined, 'x~y', 'x~y'],
      ['/1/a~1b', 'a/b', '1', '1'], ['/1/1', undefined, '2', '2'], ['/1/x~0y', 'x~y', '3', '3'],
    ]],
    ['a BOM stays outside; a lone CR is data', '\uFEFFk\r\nv\rw\r\n', [
      ['/0/0', undefined, 'k', 'k'], ['/1/k', 'k', 'v\rw', 'v\rw'],
    ]],
    ["a statement's label: value lines above its header: the header is the line after them", '户名：吕军,账号：62\n\n日期,对方户名\n0130,姚超亮\n', [
      ['/0/0', undefined, '户名：吕军', '户名：吕军'], ['/0/1', undefined, '账号：62', '账号：62'],
      ['/2/0', undefined, '日期', '日期'], ['/2/1', undefined, '对方户名', '对方户名'],
      ['/3/日期', '日期', '0130', '0130'], ['/3/对方户名', '对方户名', '姚超亮', '姚超亮'],
    ]],
    ['a comment line above the header', '# 导出时间 2025-04-20\n姓名,性别\n贺洋丹,男\n', [
      ['/0/0', undefined, '# 导出时间 2025-04-20', '# 导出时间 2025-04-20'],
      ['/1/0', undefined, '姓名', '姓名'], ['/1/1', undefined, '性别', '性别'],
      ['/2/姓名', '姓名', '贺洋丹', '贺洋丹'], ['/2/性别', '性别', '男', '男'],
    ]],
    ["a '#' line shaped like the rows below it is the header (VCF's #CHROM)", '##fileformat=VCFv4.2\n#CHROM,ID\n1,rs12\n', [
      ['/0/0', undefined, '##fileformat=VCFv4.2', '##fileformat=VCFv4.2'],
      ['/1/0', undefined, '#CHROM', '#CHROM'], ['/1/1', undefined, 'ID', 'ID'],
      ['/2/#CHROM', '#CHROM', '1', '1'], ['/2/ID', 'ID', 'rs12', 'rs12'],
    ]],
    ['a line of times is data, not a preamble; nor is what follows a header', '10:30,11:45\n12:00,13:15\n', [
      ['/0/0', undefined, '10:30', '10:30'], ['/0/1', undefined, '11:45', '11:45'],
      ['/1/0', undefined, '12:00', '12:00'], ['/1/1', undefined, '13:15', '13:15'],
    ]],
    ['after a preamble, a line unlike the rows below it is no header', '户名：吕军\n日期,对方户名\n0130,姚超亮,x\n', [
      ['/0/0', undefined, '户名：吕军', '户名：吕军'],
      ['/1/0', undefined, '日期', '日期'], ['/1/1', undefined, '对方户名', '对方户名'],
      ['/2/0', undefined, '0130', '0130'], ['/2/1', undefined, '姚超亮', '姚超亮'], ['/2/2', undefined, 'x', 'x'],
    ]],
  ];
  it.each(cases)('%s', (_name, raw, expected) => {
    expect(rows(raw)).toEqual(expected);
  });

  it('reads tab-separated values (commas are data, quotes still quote)', () => {
    expect(rows('phone\tnote\n13812345678\t"a\tb"\nx,y\t\n', '\t')).toEqual([
      ['/0/0', undefined, 'phone', 'phone'], ['/0/1', undefined, 'note', 'note'],
      ['/1/phone', 'phone', '13812345678', '13812345678'], ['/1/note', 'note', 'a\tb', 'a\tb'],
      ['/2/phone', 'phone', 'x,y', 'x,y'],
    ]);
  });

  it('reads semicolon-separated values (commas are data)', () => {
    expect(rows('姓名;地址\n邱佳宇;"北京市;海淀区"\n龙岚;a,b\n', ';')).toEqual([
      ['/0/0', undefined, '姓名', '姓名'], ['/0/1', undefined, '地址', '地址'],
      ['/1/姓名', '姓名', '邱佳宇', '邱佳宇'], ['/1/地址', '地址', '北京市;海淀区', '北京市;海淀区'],
      ['/2/姓名', '姓名', '龙岚', '龙岚'], ['/2/地址', '地址', 'a,b', 'a,b'],
    ]);
  });

  it.each([
    ['unterminated quote', 'a,"b\n', /unterminated quoted field at byte 2/],
    ['text after a closing quote', '"a"b,c\n', /text after a closing quote at byte 3/],
    ['invalid UTF-8', Buffer.from([0x61, 0x2c, 0xff]), /not valid UTF-8/],
  ])('refuses %s', (_name, raw, message) => {
    expect(() => parseCsv(typeof raw === 'string' ? Buffer.from(raw) : raw)).toThrow(message);
  });
});

describe('CSV bodies through parseBody', () => {
  it('dispatches text/csv and text/tab-separated-values', () => {
    expect(parseBody(Buffer.from('mobile\n13812345678\n'), 'text/csv; charset=utf-8')).toMatchObject({
      format: 'csv', leaves: [{ location: '/0/0' }, { location: '/1/mobile', key: 'mobile', source: 'csv' }],
    });
    expect(parseBody(Buffer.from('a\tb\n1\t2\n'), 'text/tab-separated-values').format).toBe('tsv');
  });

  it("reads a spreadsheet's ';' export sent as text/csv by its header line", () => {
    const parsed = parseBody(Buffer.from('姓名;手机号\n郭薇;+8618061897506\n胡蕾杰;183-3282-7991\n'), 'text/csv');
    expect(parsed.leaves.filter((l) => l.key !== undefined).map((l) => [l.key, l.value])).toEqual([
      ['姓名', '郭薇'], ['手机号', '+8618061897506'], ['姓名', '胡蕾杰'], ['手机号', '183-3282-7991'],
    ]);
    // A header with a comma keeps the comma; so does one whose ';' is inside quotes.
    const keys = (csv: string) => parseBody(Buffer.from(csv), 'text/csv').leaves.filter((l) => l.key !== undefined).map((l) => l.key);
    expect(keys('a;b,c\n1;2,3\n')).toEqual(['a;b', 'c']);
    expect(keys('"a;b"\n"x"\n')).toEqual(['a;b']);
  });

  it('reads loose CSV as text rather than refusing it', () => {
    const parsed = parseBody(Buffer.from('a,"b"c\n13812345678\n'), 'text/csv');
    expect(parsed.format).toBe('text');
    expect(parsed.leaves.map((l) => l.value)).toEqual(['a,"b"c\n13812345678\n']);
  });
});

describe('tables sent as text/plain', () => {
  const known = (name: string) => ['姓名', '身份证号', 'mobile'].includes(name);
  it.each([
    ['a TSV export under a known header', '序号\t姓名\t身份证号\n1\t谢睿倩\t430104510124048\n', known, 'tsv'],
    ['a CSV export, many rows, no known column', 'a,b\n1,2\n3,4\n5,6\n', undefined, 'csv'],
    ['two lines of prose with a comma each', '你好, 我是客服\n电话, 13800138000', known, 'text'],
    ['a database export with pipes', 'order_no|consignee|paid\n1|檀振|5.00\n2|贺翊志|8.00\n3|于刚|2.00\n', undefined, 'csv'],
    ['a row with fewer cells', 'mobile,note\n13812345678\n', known, 'text'],
    ['a statement with a footer line of fewer cells', '时间\t姓名\t金额\n1\t肖俊\t7\n2\t毛梓\t5\n3\t陆玉\t2\n客服热线\t95588\n', known, 'tsv'],
    ['a short footer under too few rows', '时间\t姓名\t金额\n1\t肖俊\t7\n客服热线\t95588\n', known, 'text'],
    ['an export with a one-cell note line under it', '序号,姓名,手机号\n1,徐海娜,15111132980\n2,方涵文,18134871075\n3,付思婷,19425313241\nserialNo: 020-68084179\n', known, 'csv'],
    ['one row in five with an unquoted comma in a cell', 'mobile,姓名\n1,a\n2,b\n3,c\n4,Han, Xuanbai\n', known, 'csv'],
    ['rows with more cells, often', 'mobile,note\n13812345678,a,b\n', known, 'text'],
    ['a title line over the table', '导出结果\n姓名,mobile\n张三,13812345678\n', known, 'text'],
    ['a quoted cell', 'mobile,note\n13812345678,"a"\n', known, 'csv'],
    ['a quote inside an unquoted cell', 'mobile,note\n13812345678,say "a"\n', known, 'text'],
    ['a semicolon export', '序号;姓名;证件号码\n1;邱佳宇;440305198902270461\n', known, 'csv'],
    ['a header cell that is data', '13812345678,张三\n13912345678,李四\n', known, 'text'],
    ['one line', 'mobile,姓名', known, 'text'],
    ['a Markdown table', '| 序号 | 姓名 | 身份证号 |\n|---|---|---|\n| 1 | 陈春磊 | 无 |\n', known, 'csv'],
    ['pipes around prose', '| note |\n| 你好 |\n', known, 'text'],
  ])('%s', (_name, text, columnName, format) => {
    expect(parseBody(Buffer.from(text), 'text/plain; charset=utf-8', { columnName }).format).toBe(format);
  });

  it('names the cells of a padded table by the text inside its header cells', () => {
    const parsed = parseBody(Buffer.from('| 序号 | 姓名 |\n|---|---|\n| 1 | 陈春磊 |\n'), 'text/plain', { columnName: known });
    expect(parsed.leaves.find((l) => l.value === ' 陈春磊 ')).toMatchObject({ location: '/2/姓名', key: '姓名' });
  });

  it('keys every cell by its column', () => {
    const parsed = parseBody(Buffer.from('姓名\t身份证号\n谢睿倩\t430104510124048\n'), 'text/plain', { columnName: known });
    expect(parsed.leaves.slice(2)).toMatchObject([
      { location: '/1/姓名', key: '姓名', value: '谢睿倩' },
      { location: '/1/身份证号', key: '身份证号', value: '430104510124048' },
    ]);
  });
});

describe('sniffTableDelimiter', () => {
  const known = (name: string) => ['姓名', '地址', 'name', 'phone', '联系电话'].includes(name);
  const cases: Array<[string, string, CsvDelimiter | undefined]> = [
    ['quoted cells under a known header',
      '序号,姓名,电话,地址\n1,"司马岚","14728272658","广东省深圳市南山区解放大道815号23号楼5单元3004室"\n2,"龚瀚薇","183-0586-2478","上海市静安区中山路560号翠苑小区20幢1579室"\n', ','],
    ['one quoted row under a known header', 'name,phone,id_card,bank_card\n"呼延超","15890648760","110105198002203035","3568 2759 8820 7862"\n', ','],
    ['a semicolon table', '客户名称;联系电话;证件号码;邮箱\n邱佳宇;18729224664;440305198902270461;sunli98@foxmail.com\n龙岚;17119425649;150102198912153497;805942754@qq.com\n', ';'],
    ['a quoted cell holding the delimiter is one cell', 'a,b\n"Li, Lei",1\n"Wang, Bo",2\n"Xu, Yi",3\n', ','],
    ['a quoted cell holding a line break is one cell', 'a,b\n1,"x\ny"\n2,"z"\n3,"w\r\nv"\n', ','],
    ['records, not lines, count towards the rows a table needs', 'a,b\n1,"x\ny\nz"\n', undefined],
    ['quoted header cells, doubled quotes, CRLF and a BOM', '\uFEFF"姓名","say ""hi"""\r\n"张三","x"\r\n', ','],
    ['a quoted semicolon cell', '姓名;地址\n"邱佳宇";"北京市;海淀区"\n', ';'],
    ['a tab before a comma before a semicolon before a pipe', 'a;b\tc,d|e\n1;2\t3,4|5\n6;7\t8,9|0\n1;2\t3,4|5\n', '\t'],
    ['a comma before a semicolon', 'a;b,c\n1;2,3\n4;5,6\n7;8,9\n', ','],
    ['a semicolon before a pipe', 'a|b;c\n1|2;3\n4|5;6\n7|8;9\n', ';'],
    ['an unterminated quote', '姓名,phone\n"张三,13812345678\n李四,13912345678\n', undefined],
    ['text after a closing quote', '姓名,phone\n"张三"x,13812345678\n', undefined],
    ['a quote inside an unquoted cell', '姓名,phone\n张三,"138"\n李 "四",139\n', undefined],
    ['a quoted header cell that is too long', `"${'x'.repeat(41)}",姓名\n1,2\n`, undefined],
    ['a quoted row with fewer cells', '姓名,phone\n"张三"\n', undefined],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(sniffTableDelimiter(Buffer.from(text), known)).toBe(expected);
  });

  // Prose is written with quotes, commas and semicolons; the known predicate matches nothing in it.
  it.each([
    ['Chinese prose with ASCII quotes', '他说，"好的", 然后我们一起去了医院。\n医生说, "没什么大问题", 回家多休息。\n我们说, "谢谢", 就走了。\n第二天, 他又来了。\n'],
    ['Chinese prose with curly quotes', '他说，“好的”, 然后我们一起去了医院。\n医生说“没什么大问题”，回家多休息, 多喝水, 早点睡。\n'],
    ['English prose with quoted words', 'She said "yes, of course", and left; nobody followed.\nThen we waited, talked, and went home.\nThe "plan", as usual, was late.\nFine, "ok".\n'],
    ['English prose opening with a quotation', '"Hello," she said, "how are you?"\n"Fine," I said, "and you?"\n"Good," she said.\n"Bye," I said.\n'],
    ['a quotation spanning lines', 'He wrote, "first line\nsecond line\nthird line\nfourth line"\n'],
    ['semicolons in prose', 'Bring your ID; the office closes at 5.\nCall the "front desk"; ask for Li.\nParking is free; the lift is on the left; floor 3.\nThanks.\n'],
    ['a sentence per line with a semicolon', 'Note: bring your ID; the office closes at 5.\nAsk for Li.\n'],
  ])('%s stays text', (_name, text) => {
    expect(sniffTableDelimiter(Buffer.from(text), known)).toBeUndefined();
    expect(parseBody(Buffer.from(text), 'text/plain', { columnName: known }).format).toBe('text');
  });

  it('does not throw on malformed quoting', () => {
    expect(() => sniffTableDelimiter(Buffer.from('a,b\n"x\n'))).not.toThrow();
  });
});
