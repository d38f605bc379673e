import { describe, expect, it } from 'vitest';
import { fastaEnd, isGenotypeCall, isRsId } from '../../../src/classify/detectors/genetic.js';
import { inspectBody } from '../../../src/pipeline/inspect.js';
import { classifier, leaf, NOW, texts } from './helpers.js';

const SEQ = 'GATTACAGATTACACCGGTTAACCGGTTAACGTACGTACGTAGCTAGCTAGCATCGATCG'; // 60 bases

describe('genetic pieces', () => {
  it.each([['RS123', true], ['RS1234567890', true], ['RS', false], ['RS12345678901', false], ['RSX12', false]])('rsID %s → %s', (s, ok) => {
    expect(isRsId(s)).toBe(ok);
  });
  it.each([['AG', true], ['a/g', true], ['C|T', true], ['GG', true], ['AGTC', false], ['XY', false], ['yes', false]])('call %s → %s', (s, ok) => {
    expect(isGenotypeCall(s)).toBe(ok);
  });
  it('FASTA record end', () => {
    const s = `>chr1 sample\n${SEQ.slice(0, 30)}\n${SEQ.slice(30)}\nnext`;
    expect(s.slice(0, fastaEnd(s, 0))).toBe(`>chr1 sample\n${SEQ.slice(0, 30)}\n${SEQ.slice(30)}`);
    expect(fastaEnd('> quoted reply\nok', 0)).toBe(-1);
  });
});

describe('sequences', () => {
  it.each([
    [SEQ, [SEQ]], [SEQ.toLowerCase(), [SEQ.toLowerCase()]], [`raw read: ${SEQ} end`, [SEQ]],
    [`${SEQ.slice(0, 30)}\n${SEQ.slice(30)}`, [`${SEQ.slice(0, 30)}\n${SEQ.slice(30)}`]], [`>s1\n${SEQ.slice(0, 25)}`, [SEQ.slice(0, 25)]], [`>s1 13812345678\n${SEQ}`, [SEQ]],
  ])('%#: found', (value, want) => expect(texts(value, 'important.genetic')).toEqual(want));

  it("reads a FASTA header as text: what it holds is found, or kept", () => {
    const record = `>patient 13812345678 run=388c2a2e-48f6-47a2-9901-269ffb2f4344\n${SEQ}\n`;
    expect(texts(record, 'pi.phone')).toEqual(['13812345678']);
    expect(texts(record, 'important.genetic')).toEqual([SEQ]);
  });

  it.each([['A'.repeat(64)], ['AC'.repeat(40)], ['GATTACAGTAGTAACGTGTCTAC'], [SEQ.slice(0, 49)], ['CAT TAG ACT GAT'], [`${SEQ}X`], ['>quote\nhello world']])('%#: not a sequence', (value) => {
    expect(texts(value, 'important.genetic')).toEqual([]);
  });
});

describe('rsIDs need genotype context', () => {
  const gen = (ls: ReturnType<typeof leaf>[]) => classifier.classify(ls, NOW).filter((f) => f.category === 'important.genetic').map((f) => ls[f.leafIndex]!.value.slice(f.start, f.end));

  it.each([
    [[leaf('rs123456', 'snp')], ['rs123456']],
    // The call beside its marker is the person's genotype, whatever its key.
    [[leaf('rs123456', 'id', { location: '/m/0/id' }), leaf('AG', 'call', { location: '/m/0/call' })], ['rs123456', 'AG']],
    [[leaf('rs4477212', 'variant_id', { location: '/v/0/variant_id' }), leaf('A/G', 'gt', { location: '/v/0/gt' })], ['rs4477212', 'A/G']],
    [[leaf('rs4477212', 'snp_id', { location: '/d/0/snp_id' }), leaf('TT', 'result', { location: '/d/0/result' })], ['rs4477212', 'TT']],
    // A call in another object than the marker's is not its genotype.
    [[leaf('rs4477212', 'snp', { location: '/a/snp' }), leaf('GG', 'grade', { location: '/b/grade' })], ['rs4477212']],
    [[leaf('基因检测：rs123456 AG；rs7654321 CC')], ['rs123456', 'AG', 'rs7654321', 'CC']],
    // A lab's result line: each call after a space, the items apart, and no genetic word.
    [[leaf('检测结果：rs904 A/G; rs249709429 CT; rs412522066 G/G')], ['rs904', 'A/G', 'rs249709429', 'CT', 'rs412522066', 'G/G']],
    [[leaf('rs904 GG\nrs12 CT')], ['rs904', 'GG', 'rs12', 'CT']],
    [[leaf('genotype report: rs4988235 (C;T)')], ['rs4988235']],
    // The call in brackets right after its marker, as reports and prose write it.
    [[leaf('检测结果：rs11017458(AG), rs667385229（GG）')], ['rs11017458', 'AG', 'rs667385229', 'GG']],
    [[leaf('heterozygous for rs1801133 (C/T); see RS232 (a) port')], ['rs1801133', 'C/T']],
    // A serial standard beside genetic words, unless its call follows.
    [[leaf('Add rs485 driver; add DNA viewer zoom')], []], [[leaf('基因检测 rs485=AG')], ['rs485', 'AG']],
    [[leaf('rs123456', 'x', { location: '/x' }), leaf(SEQ, 'read', { location: '/read' })], ['rs123456', SEQ]],
    // A log line writes the call right after its marker; a VCF file is genetic by its header.
    [[leaf('INFO pgx.import sample=S12 rs4244285=GA rs12248560: C/T\n')], ['rs4244285', 'GA', 'rs12248560', 'C/T']],
    // Upper case is a cable or an algorithm, even beside genotypes.
    [[leaf('AG', 'genotype', { location: '/g/0/genotype' }), leaf('RS256', 'alg', { location: '/t/alg' })], ['AG']],
    [[leaf('##fileformat=VCFv4.2\n#CHROM\tPOS\tID\nchr10\t94781859\trs4244285\tG\tA\n')], ['rs4244285']],
  ])('%#', (ls, want) => expect(gen(ls).sort()).toEqual(want.sort()));

  it.each([
    [[leaf('RS232 and RS485 cables')]], [[leaf('rs123456', 'ref')]], [[leaf('rs2 ok')]], [[leaf('rs123=GATTACA')]],
    // Two capitals after a space are a word unless the item ends there; a serial standard's never.
    [[leaf('rs485 AC adapter, rs12 AT the end')]], [[leaf('rs485 AC')]], [[leaf('rs904 a/g')]],

    [[leaf('S1', 'id', { location: '/s/id' }), leaf('AA', 'grade', { location: '/s/grade' })]],
  ])('%#: none', (ls) => expect(gen(ls)).toEqual([]));

  it("VCF's GT beside its marker: allele indexes, under a gt or call key only", () => {
    const found = (json: string) => inspectBody(classifier, Buffer.from(json), 'application/json', NOW).findings
      .filter((f) => f.category === 'important.genetic').map((f) => f.location);
    expect(found('{"variants":[{"id":"rs604269582","gt":"1/1","chrom":"11","pos":28972734}]}')).toEqual(['/variants/0/id', '/variants/0/gt']);
    expect(found('{"snps":[{"marker":"rs401690141","call":"1/1"}]}')).toEqual(['/snps/0/marker', '/snps/0/call']);
    expect(found('{"id":"a1","gt":"1/1"}')).toEqual([]);
    expect(found('{"id":"rs12","score":"1/1"}')).toEqual([]);
  });

  it('a genotype field holds a call', () => {
    expect(texts('A/G', 'important.genetic', 'genotype')).toEqual(['A/G']);
  });
});
