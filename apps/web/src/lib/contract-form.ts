import { zodResolver } from '@hookform/resolvers/zod';
import {
  get,
  useForm,
  type DefaultValues,
  type FieldValues,
  type Path,
  type RegisterOptions,
  type UseFormReturn,
} from 'react-hook-form';
import type { z } from 'zod';

/**
 * A form checked by a `libs/contracts` schema (or one built from it): the fields hold what is typed
 * (`z.input`), submitting hands over what the API takes (`z.output`).
 */
export function useContractForm<S extends z.ZodType<unknown, FieldValues>>(
  schema: S,
  defaultValues: DefaultValues<z.input<S>>,
  mode: 'onSubmit' | 'onChange' = 'onSubmit',
): UseFormReturn<z.input<S>, unknown, z.output<S>> {
  return useForm<z.input<S>, unknown, z.output<S>>({ resolver: zodResolver(schema), defaultValues, mode });
}

/** A field's registration and its error, to spread into `Field`, `TextAreaField` or `SelectField`. */
export function bindField<T extends FieldValues, Parsed>(
  form: UseFormReturn<T, unknown, Parsed>,
  name: Path<T>,
  options?: RegisterOptions<T, Path<T>>,
) {
  const error = get(form.formState.errors, name) as { message?: string } | undefined;
  return { ...form.register(name, options), error: error?.message };
}
