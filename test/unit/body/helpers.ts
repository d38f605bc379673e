import { EgError } from '../../../src/errors.js';

/** The detail of the EG_BODY_UNINSPECTABLE error `fn` throws; fails the test otherwise. */
export function uninspectable(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof EgError && e.code === 'EG_BODY_UNINSPECTABLE') return e.detail ?? '';
    throw e;
  }
  throw new Error('expected EG_BODY_UNINSPECTABLE');
}
