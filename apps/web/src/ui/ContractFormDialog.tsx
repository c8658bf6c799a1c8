import type { FieldValues, UseFormReturn } from 'react-hook-form';
import type { ComponentProps } from 'react';
import { serverPaths, submitParsed, type FieldByCode, type ServerFields } from '../lib/form-errors';
import { FormDialog } from './FormDialog';

/**
 * A `FormDialog` (wide unless told otherwise) for a react-hook-form form: saving checks the fields first, `onSubmit` gets the
 * parsed values, and the server's errors on `fields` show beside them rather than in the alert.
 */
export function ContractFormDialog<T extends FieldValues, Parsed>({
  form,
  fields,
  fieldByCode,
  onSubmit,
  wide = true,
  ...dialog
}: Omit<ComponentProps<typeof FormDialog>, 'onSubmit' | 'besideFields'> & {
  form: UseFormReturn<T, unknown, Parsed>;
  fields: ServerFields<T>;
  /** Refusals about one field, by their error code, shown beside that field. */
  fieldByCode?: FieldByCode<T>;
  onSubmit: (values: Parsed) => Promise<void>;
}) {
  return (
    <FormDialog
      {...dialog}
      wide={wide}
      besideFields={serverPaths(fields)}
      onSubmit={() => submitParsed(form, fields, onSubmit, fieldByCode)}
    />
  );
}
