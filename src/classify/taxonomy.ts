/**
 * Category and grade ids shared by rules, policies, audit events and the scorer
 * (DOMAIN §4). Grades are ordered: a higher rank is stricter.
 */
export const GRADES = ['general', 'pi', 'sensitive_pi', 'important', 'core'] as const;
export type Grade = (typeof GRADES)[number];

export const GRADE_RANK: Readonly<Record<Grade, number>> = Object.freeze({
  general: 0,
  pi: 1,
  sensitive_pi: 2,
  important: 3,
  core: 4,
});

/** Built-in categories with their default grade. Operators may add more (02/03). */
export const BUILTIN_CATEGORIES = Object.freeze({
  'pi.name': 'pi',
  'pi.id_card': 'sensitive_pi',
  'pi.minor': 'sensitive_pi',
  'pi.phone': 'pi',
  'pi.email': 'pi',
  'pi.address': 'pi',
  'pi.passport': 'sensitive_pi',
  'pi.bank_card': 'sensitive_pi',
  'pi.location': 'sensitive_pi',
  'pi.health': 'sensitive_pi',
  'pi.biometric': 'sensitive_pi',
  'pi.religion': 'sensitive_pi',
  'pi.device_id': 'pi',
  'pi.plate': 'pi',
  'org.uscc': 'general',
  'vehicle.vin': 'pi',
  'important.genetic': 'important',
  'important.geo': 'important',
} as const satisfies Record<string, Grade>);

export type BuiltinCategory = keyof typeof BUILTIN_CATEGORIES;
/** Category ids are open-ended strings (operators add their own); built-ins are listed above. */
export type CategoryId = string;

export function isGrade(value: string): value is Grade {
  return (GRADES as readonly string[]).includes(value);
}
