/**
 * Human genetic resource data (important data): nucleotide sequences and genotypes. A run of
 * at least 50 bases (A C G T, N for unknown) is a sequence wherever it stands, whole or wrapped
 * over lines; a FASTA record (">" header, then bases) is one from its header on. An rsID
 * ("rs" + digits) is only genetic where genotypes are the subject: a genotype field, a sibling
 * genotype call, or genetic words in the same request — "rs232" in a cable list is not.
 */
import { isSpaceCode } from '../chars.js';

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
export const GENETIC_ACRONYMS = ['DNA', 'SNP', 'SNPs', 'GWAS', 'FASTA', 'VCF', 'NGS'];

/** "rs" + 1–10 digits, already folded to upper case. */
export function isRsId(folded: string): boolean {
  return /^RS[0-9]{1,10}$/.test(folded);
}

/** A genotype call: "AG", "A/G", "A|G", "AG/CT", "del". */
export function isGenotypeCall(value: string): boolean {
  return /^(?:[ACGT]{1,2}|[ACGT][/|;][ACGT]|[ACGT]{2}\/[ACGT]{2}|--|DD|DI|II)$/i.test(value.trim());
}

/** End of a FASTA record whose '>' is at s[i] (at a line start), or -1. */
export function fastaEnd(s: string, i: number): number {
  let p = s.indexOf('\n', i);
  if (p < 0 || p - i > 500) return -1;
  let bases = 0;
  let end = -1;
  for (p = p + 1; p < s.length; p++) {
    const c = s.charCodeAt(p);
    const u = c & ~32;
    if (u === 65 || u === 67 || u === 71 || u === 84 || u === 78 || u === 85) {
      bases++;
      end = p + 1;
    } else if (c === 10 || c === 13 || isSpaceCode(c)) {
      continue;
    } else if (c === 62 && s.charCodeAt(p - 1) === 10) {
      break;
    } else if (c === 45 || c === 42) {
      end = p + 1;
    } else {
      break;
    }
  }
  return bases >= MIN_FASTA_BASES ? end : -1;
}
