/**
 * What the parts of the leaf scan share: the leaf being read, its field-name category, today's
 * date, and one way to report. The parts (field rules, numeric runs, keywords) are plain
 * modules over this interface, so each can be read and tested on its own.
 */
import type { Leaf } from '../body/leaf.js';
import type { CivilDate } from './detectors/id-card.js';
import type { CategoryId } from './taxonomy.js';

/** Field (the key says so) or context (a label in the text says so). */
export type Support = 'field' | 'context' | undefined;

export interface ScanHost {
  readonly leaf: Leaf;
  readonly keyCategory: CategoryId | undefined;
  readonly today: CivilDate;
  emit(category: CategoryId, rule: string, start: number, end: number, confidence: number): void;
  /** Whether the field name or a label right before `start` names `category`. */
  support(category: CategoryId, v: string, start: number): Support;
}

export const NAME = 'pi.name';
export const ADDRESS = 'pi.address';
export const PASSPORT = 'pi.passport';
export const ID_CARD = 'pi.id_card';
export const MINOR = 'pi.minor';
export const PHONE = 'pi.phone';
export const BANK_CARD = 'pi.bank_card';
export const EMAIL = 'pi.email';
export const HEALTH = 'pi.health';
export const RELIGION = 'pi.religion';
export const BIOMETRIC = 'pi.biometric';
export const GENETIC = 'important.genetic';
export const DEVICE = 'pi.device_id';
export const USCC = 'org.uscc';
export const VIN = 'vehicle.vin';
export const PLATE = 'pi.plate';
export const LOCATION = 'pi.location';
