import type { ErrorCode } from '@baton/contracts';
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiError } from './api';

/**
 * Puts the server's field errors (`details` of a validation refusal) beside the fields they name, so
 * the person sees them where they type; details naming no field of this form stay in the form's alert.
 * A refusal about one field (a name already taken) goes beside the field `fieldByCode` names for its
 * code; then the answer is true, and the form's alert need not repeat the server's sentence.
 */
export function showServerFieldErrors<T extends FieldValues>(
  error: unknown,
  fields: readonly Path<T>[],
  setError: UseFormSetError<T>,
  fieldByCode: Partial<Record<ErrorCode, Path<T>>> = {},
): boolean {
  if (!(error instanceof ApiError)) return false;
  for (const detail of error.details) {
    const field = fields.find((f) => f === detail.path);
    if (field) setError(field, { type: 'server', message: detail.message });
  }
  const field = fieldByCode[error.code as ErrorCode];
  if (field) setError(field, { type: 'server', message: error.message }, { shouldFocus: true });
  return field !== undefined;
}
