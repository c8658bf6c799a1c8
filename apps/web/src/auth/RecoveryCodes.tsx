import { useState } from 'react';
import { CheckboxField } from '../ui/forms';
import { AuthCard } from './AuthCard';

/** The recovery codes, shown once after enrolment; the person confirms they saved them before going on. */
export function RecoveryCodes({ codes, onContinue }: { codes: readonly string[]; onContinue: () => void }) {
  const [saved, setSaved] = useState(false);
  const text = codes.join('\n');
  return (
    <AuthCard title="Save your recovery codes">
      <p>
        If you lose your phone, each of these codes signs you in once. Store them somewhere safe — they are
        shown only now.
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="button" onClick={() => void navigator.clipboard?.writeText(text)}>
          Copy
        </button>
        <a
          className="button"
          download="baton-recovery-codes.txt"
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text + '\n')}`}
        >
          Download
        </a>
      </div>
      <CheckboxField
        label="I have saved my recovery codes"
        checked={saved}
        onChange={(e) => setSaved(e.target.checked)}
      />
      <button type="button" className="button button--primary" disabled={!saved} onClick={onContinue}>
        Continue to Baton
      </button>
    </AuthCard>
  );
}
