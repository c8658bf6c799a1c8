import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';
import { ApiError } from './api';

/**
 * Puts the server's field errors (`details` of a validation refusal) beside the fields they name, so
 * the person sees them where they type; details naming no field of this form stay in the form's alert.
 */
export function showServerFieldErrors<T extends FieldValues>(
  error: unknown,
  fields: readonly Path<T>[],
  setError: UseFormSetError<T>,
): void {
  if (!(error instanceof ApiError)) return;
  for (const detail of error.details) {
    const field = fields.find((f) => f === detail.path);
    if (field) setError(field, { type: 'server', message: detail.message });
  }
}
