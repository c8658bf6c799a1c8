import { splitList } from '../../../lib/text';

/** Flags a member who would never get this queue's conversations for lack of a required skill. */
export function MissingSkills({ required, typed }: { required: string[]; typed: string }) {
  const has = splitList(typed.toLowerCase());
  const missing = required.filter((skill) => !has.includes(skill));
  if (missing.length === 0) return null;
  return <div className="field__error">Gets no conversations here: missing {missing.join(', ')}</div>;
}
