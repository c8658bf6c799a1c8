import { randomBytes } from 'node:crypto';

/** A short random suffix that keeps names unique across test files sharing one database. */
export const tag = (): string => randomBytes(4).toString('hex');
