/** One RFC 6901 reference token: "~" first, so the "~1" made for "/" is not escaped again. */
export function escapePointerToken(token: string): string {
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
