/**
 * Human genetic resource data (important data): nucleotide sequences and genotypes. A run of
 * at least 50 bases (A C G T, N for unknown) is a sequence wherever it stands, whole or wrapped
 * over lines; after a FASTA header line (">" …) 20 are enough, the header itself left out. An
 * rsID ("rs" + digits) is only genetic where genotypes are the subject: a genotype field, a
 * sibling genotype call, or genetic words in the same request — "rs232" in a cable list is not.
 */

export const MIN_SEQUENCE = 50;
/** A wrapped sequence is joined from lines of at least this many bases. */
export const MIN_SEQUENCE_LINE = 10;
export const MIN_FASTA_BASES = 20;

export const GENETIC_CONTEXT = [
  '基因', '基因型', '基因组', '基因检测', '测序', '等位基因', '位点', '突变位点', '染色体', '单核苷酸',
  'genotype', 'genotypes', 'genotyping', 'allele', 'alleles', 'genome', 'genomic', 'sequencing',
  'haplotype', 'chromosome', 'snp', 'snps', 'snv', 'dbsnp', 'rsid', 'rsids',
];
/** Case-sensitive: "DNA" is common enough in other senses only in lower case ("dna" slugs). */
export const GENETIC_ACRONYMS = ['DNA', 'SNP', 'SNPs', 'GWAS', 'FASTA', 'VCF', 'NGS', 'VCFv4'];

/** "rs" + 1–10 digits, already folded to upper case. */
export function isRsId(folded: string): boolean {
  return /^RS[0-9]{1,10}$/.test(folded);
}

/** A genotype call: "AG", "A/G", "A|G", "AG/CT", "del". */
export function isGenotypeCall(value: string): boolean {
  return /^(?:[ACGT]{1,2}|[ACGT][/|;][ACGT]|[ACGT]{2}\/[ACGT]{2}|--|DD|DI|II)$/i.test(value.trim());
}

/** A VCF GT value: two allele indexes (or '.' for none), unphased '/' or phased '|'. */
export function isVcfGenotype(value: string): boolean {
  return /^[0-9.][/|][0-9.]$/.test(value);
}

/** The keys under which allele indexes ("0/1") are a genotype call, not a fraction: VCF's GT
 *  and "call" ({"marker": "rs…", "call": "1/1"}). */
export function isVcfCallKey(key: string): boolean {
  return key.length <= 4 && VCF_CALL_KEYS.has(key.toLowerCase());
}
const VCF_CALL_KEYS = new Set(['gt', 'call']);

function isBaseCode(c: number): boolean {
  const u = c & ~32;
  // A C G T U, N (unknown) and '-' (gap) / '*' (stop) as FASTA writes them.
  return u === 65 || u === 67 || u === 71 || u === 84 || u === 85 || u === 78 || c === 45 || c === 42;
}

/** End of a FASTA record whose '>' is at s[i] (at a line start), or -1: the header line, then
 *  every following line made only of bases, up to the first line that is not. */
export function fastaEnd(s: string, i: number): number {
  const header = s.indexOf('\n', i);
  if (header < 0 || header - i > 500) return -1;
  let bases = 0;
  let end = -1;
  let p = header + 1;
  while (p < s.length) {
    let q = p;
    let lineBases = 0;
    while (q < s.length && isBaseCode(s.charCodeAt(q))) {
      q++;
      lineBases++;
    }
    let e = q;
    while (e < s.length && (s.charCodeAt(e) === 13 || s.charCodeAt(e) === 32 || s.charCodeAt(e) === 9)) e++;
    const lineEnds = e >= s.length || s.charCodeAt(e) === 10;
    if (lineBases === 0 || !lineEnds) break;
    bases += lineBases;
    end = q;
    p = e + 1;
  }
  return bases >= MIN_FASTA_BASES ? end : -1;
}
