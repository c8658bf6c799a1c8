import type { ErrorCode } from '@baton/contracts';
import type { FieldValues, Path, UseFormReturn, UseFormSetError } from 'react-hook-form';
import { ApiError } from './api';

/**
 * The form fields that show the server's errors: a list when the form's fields are named like the
 * request's, or a map from the request's path (`config.greeting`) to the form's field.
 */
export type ServerFields<T extends FieldValues> = readonly Path<T>[] | Readonly<Record<string, Path<T>>>;

/** The field a refusal about one field (its error code) belongs beside. */
export type FieldByCode<T extends FieldValues> = Partial<Record<ErrorCode, Path<T>>>;

/** The server paths a form shows beside its fields (for `ErrorMessage`'s `besideFields`). */
export function serverPaths<T extends FieldValues>(fields: ServerFields<T>): readonly string[] {
  return isList(fields) ? fields : Object.keys(fields);
}

function isList<T extends FieldValues>(fields: ServerFields<T>): fields is readonly Path<T>[] {
  return Array.isArray(fields);
}

/**
 * Puts the server's field errors (`details` of a validation refusal) beside the fields they name, so
 * the person sees them where they type; details naming no field of this form stay in the form's alert.
 * A refusal about one field (a name already taken) goes beside the field `fieldByCode` names for its
 * code; then the answer is true, and the form's alert need not repeat the server's sentence.
 */
export function showServerFieldErrors<T extends FieldValues>(
  error: unknown,
  fields: ServerFields<T>,
  setError: UseFormSetError<T>,
  fieldByCode: FieldByCode<T> = {},
): boolean {
  if (!(error instanceof ApiError)) return false;
  for (const detail of error.details) {
    const field = isList(fields) ? fields.find((f) => f === detail.path) : fields[detail.path];
    if (field) setError(field, { type: 'server', message: detail.message });
  }
  const field = fieldByCode[error.code as ErrorCode];
  if (field) setError(field, { type: 'server', message: error.message }, { shouldFocus: true });
  return field !== undefined;
}

const FIX_FIELDS = 'Some fields need a change: see the notes beside them.';

/**
 * For a `FormDialog`: checks the fields with the form's schema, sends the parsed values, and on a
 * refusal puts the server's field errors beside their fields before the dialog shows the rest.
 */
export async function submitParsed<T extends FieldValues, Parsed>(
  form: UseFormReturn<T, unknown, Parsed>,
  fields: ServerFields<T>,
  send: (values: Parsed) => Promise<void>,
  fieldByCode: FieldByCode<T> = {},
): Promise<void> {
  let parsed: { values: Parsed } | null = null;
  await form.handleSubmit((values) => {
    parsed = { values };
  })();
  if (!parsed) throw new Error(FIX_FIELDS);
  try {
    await send((parsed as { values: Parsed }).values);
  } catch (error) {
    const besideField = showServerFieldErrors(error, fields, form.setError, fieldByCode);
    throw besideField ? new Error(FIX_FIELDS) : error;
  }
}
