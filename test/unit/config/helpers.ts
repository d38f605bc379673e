import { loadPolicyText, PolicyInvalidError } from '../../../src/config/load.js';

/** Every issue a policy text is rejected with, as printed (file:line:col path: message); none
 *  when it loads. */
export function policyIssues(text: string): string[] {
  try {
    loadPolicyText(text, 'p.yaml');
  } catch (err) {
    if (err instanceof PolicyInvalidError) return err.lines();
    throw err;
  }
  return [];
}
