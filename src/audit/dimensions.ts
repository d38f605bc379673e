/** What `audit summary --by` groups flows by (summary.ts), apart so that registering the command
 *  can list them without loading the trail reader. */
export const SUMMARY_DIMENSIONS = ['jurisdiction', 'recipient', 'category', 'client', 'basis', 'host', 'zone', 'action', 'scenario'] as const;
export type SummaryDimension = (typeof SUMMARY_DIMENSIONS)[number];
