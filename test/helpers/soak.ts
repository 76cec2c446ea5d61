/** Trial counts: small in `npm test`, full size under `npm run soak` (KW_SOAK=1). */
export const SOAK = process.env.KW_SOAK === '1';

export function trials(inTestSuite: number, inSoak: number): number {
  return SOAK ? inSoak : inTestSuite;
}
