import { generateSecret, generateURI, verify } from 'otplib';

export const TOTP_ISSUER = 'Baton';

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(secret: string, account: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: account, secret });
}

/**
 * RFC 6238 with the usual parameters (SHA-1, 6 digits, 30 s), accepting the previous and next step
 * for clock drift. Steps at or before `afterStep` are refused: a code works once.
 */
export async function checkTotp(
  secret: string,
  code: string,
  afterStep: number | null,
): Promise<{ valid: true; step: number } | { valid: false }> {
  const result = await verify({
    secret,
    token: code,
    epochTolerance: 30,
    ...(afterStep !== null && { afterTimeStep: afterStep }),
  });
  // `verify` also serves HOTP; a TOTP result carries the matched time step.
  return result.valid && 'timeStep' in result ? { valid: true, step: result.timeStep } : { valid: false };
}
