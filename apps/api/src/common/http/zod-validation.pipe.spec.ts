import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../errors/domain.error.js';
import { ZodValidationPipe } from './zod-validation.pipe.js';

describe('ZodValidationPipe', () => {
  const pipe = new ZodValidationPipe(
    z.strictObject({ email: z.email(), limit: z.coerce.number().int().max(100) }),
  );

  it('returns the parsed value', () => {
    expect(pipe.transform({ email: 'a@b.co', limit: '5' })).toEqual({ email: 'a@b.co', limit: 5 });
  });

  it('rejects bad input with one problem per field, and unknown fields', () => {
    try {
      pipe.transform({ email: 'nope', limit: 500, extra: true });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const { status, code, details } = error as ValidationError;
      expect({ status, code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(details?.map((d) => d.path).sort()).toEqual(['(root)', 'email', 'limit']);
    }
  });
});
