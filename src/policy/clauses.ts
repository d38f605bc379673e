import type { BasisType, Exemption } from '../config/model.js';

/**
 * The legal clauses decisions cite (DOMAIN §1–3). One place, so explanations, audit events and
 * the docs use the same words. "2024 Provisions" = CAC Provisions on Promoting and Regulating
 * Cross-Border Data Flows (effective 2024-03-22).
 */
export const CLAUSES = Object.freeze({
  core: 'DSL Art. 21 and 2024 Provisions: core data may not be exported',
  important: '2024 Provisions Art. 7: important data needs a security assessment',
  pi: 'PIPL Art. 38: personal information goes abroad only under a security assessment, standard contract, certification or an exemption (2024 Provisions Arts. 3-6)',
  sensitivePi: 'PIPL Arts. 28 and 38: sensitive personal information goes abroad only under a security assessment, standard contract, certification or an exemption',
  ciio: '2024 Provisions Art. 7(1): a CIIO exports personal information only under a security assessment',
  general: '2024 Provisions Art. 3: data with no personal information and no important data may go abroad freely',
  judicial: 'DSL Art. 36 and PIPL Art. 41: no data to foreign judicial or law-enforcement bodies without PRC approval',
  restricted: 'PIPL Art. 42: the recipient is on the CAC restriction list',
  generalList: '2024 Provisions Art. 6: data on a free-trade-zone general data list is general data in its scenario',
  nonImportant: '2024 Provisions Art. 2: data not identified as important need not be treated as important',
  volumeExemption: "2024 Provisions Arts. 5(4) and 8: from 100,000 individuals' non-sensitive personal information since 1 January, exports need a standard contract, certification or security assessment",
  volumeAssessment: "2024 Provisions Art. 7(2): from 1,000,000 individuals' personal information since 1 January, exports need a security assessment",
  volumeSensitive: "2024 Provisions Art. 8: any sensitive personal information (fewer than 10,000 individuals since 1 January) needs a standard contract, certification or security assessment",
  volumeSensitiveAssessment: "2024 Provisions Art. 7(2): from 10,000 individuals' sensitive personal information since 1 January, exports need a security assessment",
});

const BASIS_CLAUSES: Readonly<Record<BasisType, string>> = Object.freeze({
  security_assessment: 'PIPL Art. 38(1) and 2024 Provisions Art. 7: CAC security assessment',
  standard_contract: 'PIPL Art. 38(3) and 2024 Provisions Art. 8: standard contract filed with the provincial CAC',
  certification: 'PIPL Art. 38(2) and 2024 Provisions Art. 8: personal information protection certification',
  exemption: '2024 Provisions exemption',
});

const EXEMPTION_CLAUSES: Readonly<Record<Exemption, string>> = Object.freeze({
  transit: '2024 Provisions Art. 4: personal information collected abroad, in transit through China',
  contract_with_individual: '2024 Provisions Art. 5(1): necessary for a contract with the individual',
  hr_management: '2024 Provisions Art. 5(2): cross-border human-resources management',
  emergency: '2024 Provisions Art. 5(3): emergency to protect life, health or property',
  small_volume: '2024 Provisions Art. 5(4): fewer than 100,000 individuals\' non-sensitive personal information this year',
  ftz_negative_list: '2024 Provisions Art. 6: data not on the free-trade-zone negative list',
});

export function basisClause(type: BasisType, exemption: Exemption | null): string {
  return type === 'exemption' && exemption !== null ? EXEMPTION_CLAUSES[exemption] : BASIS_CLAUSES[type];
}
