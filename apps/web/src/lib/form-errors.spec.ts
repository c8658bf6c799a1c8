import { CommonErrorCode, QueuesErrorCode } from '@baton/contracts';
import type { UseFormSetError } from 'react-hook-form';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api';
import { showServerFieldErrors } from './form-errors';

type Form = { name: string; priority: number };
const FIELDS = ['name', 'priority'] as const;

function recorder() {
  const set: { field: string; message: string | undefined }[] = [];
  const setError: UseFormSetError<Form> = (field, error) => {
    set.push({ field, message: error.message });
  };
  return { set, setError };
}

describe('server errors beside their fields', () => {
  it('puts a taken name beside the name field, with the server’s sentence', () => {
    const { set, setError } = recorder();
    const taken = new ApiError(409, QueuesErrorCode.NameTaken, 'A queue with this name already exists.');
    const beside = showServerFieldErrors(taken, FIELDS, setError, { [QueuesErrorCode.NameTaken]: 'name' });
    expect(beside).toBe(true);
    expect(set).toEqual([{ field: 'name', message: 'A queue with this name already exists.' }]);
  });

  it('leaves other refusals to the form’s alert', () => {
    const { set, setError } = recorder();
    const conflict = new ApiError(409, CommonErrorCode.Conflict, 'That already exists.');
    expect(showServerFieldErrors(conflict, FIELDS, setError, { [QueuesErrorCode.NameTaken]: 'name' })).toBe(
      false,
    );
    expect(showServerFieldErrors(new Error('offline'), FIELDS, setError)).toBe(false);
    expect(set).toEqual([]);
  });

  it('still places validation details by their path', () => {
    const { set, setError } = recorder();
    const invalid = new ApiError(400, CommonErrorCode.ValidationFailed, 'The request is not valid.', [
      { path: 'priority', message: 'must be at most 100' },
      { path: 'unknown', message: 'not on this form' },
    ]);
    expect(showServerFieldErrors(invalid, FIELDS, setError)).toBe(false);
    expect(set).toEqual([{ field: 'priority', message: 'must be at most 100' }]);
  });
});
