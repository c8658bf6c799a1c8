import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { ApiError } from '../lib/api';

/** A labelled input; the hint and the error are tied to it for screen readers. */
export function Field({
  label,
  hint,
  error,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode; error?: string | null }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={hint || error ? `${id}-note` : undefined}
        {...input}
      />
      {(hint || error) && (
        <div id={`${id}-note`} className={error ? 'field__error' : 'field__hint'}>
          {error ?? hint}
        </div>
      )}
    </div>
  );
}

export function TextAreaField({
  label,
  hint,
  error,
  ...input
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; hint?: ReactNode; error?: string | null }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={hint || error ? `${id}-note` : undefined}
        {...input}
      />
      {(hint || error) && (
        <div id={`${id}-note`} className={error ? 'field__error' : 'field__hint'}>
          {error ?? hint}
        </div>
      )}
    </div>
  );
}

export function SelectField({
  label,
  children,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; children: ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} {...select}>
        {children}
      </select>
    </div>
  );
}

export function CheckboxField({
  label,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'type'> & { label: ReactNode }) {
  return (
    <label className="checkbox">
      <input type="checkbox" {...input} /> {label}
    </label>
  );
}

/**
 * What went wrong, in words, with the server's field errors listed, except those of `besideFields`
 * (a form shows them beside their fields).
 */
export function ErrorMessage({
  error,
  besideFields = [],
}: {
  error: unknown;
  besideFields?: readonly string[];
}) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const details =
    error instanceof ApiError ? error.details.filter((d) => !besideFields.includes(d.path)) : [];
  return (
    <div className="alert alert--error" role="alert">
      {message}
      {error instanceof ApiError && error.retryAfterSeconds
        ? ` Try again in ${error.retryAfterSeconds} s.`
        : ''}
      {details.length > 0 && (
        <ul>
          {details.map((d) => (
            <li key={d.path + d.message}>
              {d.path ? `${d.path}: ` : ''}
              {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
