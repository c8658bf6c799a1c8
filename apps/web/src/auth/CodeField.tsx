import type { InputHTMLAttributes, ReactNode } from 'react';
import { Field } from '../ui/forms';

type CodeFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & {
  label?: string;
  hint?: ReactNode;
  value: string;
  /** The code as typed, without surrounding spaces (a pasted code often carries some). */
  onChange: (code: string) => void;
};

/** The 6-digit code of an authenticator app, wherever one is asked for (sign-in, enrolment, step-up). */
export function CodeField({ label = 'Authentication code', value, onChange, ...input }: CodeFieldProps) {
  return (
    <Field
      label={label}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="\d{6}"
      maxLength={6}
      required
      {...input}
      value={value}
      onChange={(e) => onChange(e.target.value.trim())}
    />
  );
}
