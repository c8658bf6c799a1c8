import type { CreatedApiKey } from '@baton/contracts';
import { useState } from 'react';
import { CopyableValue } from '../../../ui/CopyableValue';
import { Dialog } from '../../../ui/Dialog';
import { CheckboxField } from '../../../ui/forms';
import { useAfterClose } from '../../../ui/use-after-close';
import { useFocusFirstField } from '../../../ui/focus';

/** The only time the key (and webhook secret) can be seen: Baton keeps a hash of the key only. */
export function CreatedKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const [open, setOpen] = useState(true);
  const [stored, setStored] = useState(false);
  const ref = useFocusFirstField<HTMLDivElement>('.setup-copyable button');
  // Unmounted only once the dialog has closed, so focus returns to the "New API key" button.
  useAfterClose(open, onDone);
  const [nag, setNag] = useState(false);
  // Closing by mistake (Escape, ×) would lose the key for good, so it needs the box ticked first.
  const close = () => (stored ? setOpen(false) : setNag(true));
  return (
    <Dialog title={`API key “${created.name}” created`} open={open} onClose={close} wide>
      <div ref={ref} className="stack">
        <p className="alert alert--warn" role="alert">
          <strong>Copy the key now.</strong> It is shown only this once: Baton stores only a fingerprint of
          it. If it is lost, revoke it and create a new one.
        </p>
        <CopyableValue label="API key" value={created.key} copyLabel="Copy key" />
        {created.webhookSecret && (
          <>
            <CopyableValue
              label="Webhook signing secret"
              value={created.webhookSecret}
              copyLabel="Copy secret"
            />
            <p className="muted setup-note">
              Your bot checks the <code>X-Baton-Signature</code> header of each webhook call with this secret.
              It is also shown only now.
            </p>
          </>
        )}
        <p className="setup-note">
          The bot sends the key in the <code>Authorization: Bearer</code> header. Keep it in a secret store,
          never in source code or chat.
        </p>
        <CheckboxField
          label="I have stored the key somewhere safe"
          checked={stored}
          onChange={(e) => {
            setStored(e.target.checked);
            setNag(false);
          }}
        />
        {nag && (
          <p className="field__error" role="alert">
            Copy the key and tick the box above before closing: the key cannot be shown again.
          </p>
        )}
        <div className="actions setup-form-actions">
          <button type="button" className="button button--primary" onClick={close}>
            Done
          </button>
        </div>
      </div>
    </Dialog>
  );
}
