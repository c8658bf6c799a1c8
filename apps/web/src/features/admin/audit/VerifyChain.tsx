import { ZAuditPage, ZChainVerification, type AuditEvent, type ChainVerification } from '@baton/contracts';
import { useMutation } from '@tanstack/react-query';
import { api, query } from '../../../lib/api';
import { ErrorMessage } from '../../../ui/forms';
import { VerificationText } from './VerificationText';

/**
 * "Verify chain" walks the whole hash chain on the server. The answer goes to a status region, which
 * screen readers announce, in green when intact and red with the first broken event otherwise.
 */
export function VerifyChain({ onShowEvent }: { onShowEvent: (event: AuditEvent) => void }) {
  // Each run starts from a blank answer: the status never shows the previous verdict meanwhile.
  const verify = useMutation({ mutationFn: () => api.get('/audit/verify', ZChainVerification) });
  const result: ChainVerification | null = verify.data ?? null;
  const run = () => verify.mutate();

  // The API pages by "seq lower than the cursor", so cursor seq+1 with limit 1 answers exactly that event.
  const lookup = useMutation({
    mutationFn: (seq: string) =>
      api.get(`/audit/events${query({ cursor: (BigInt(seq) + 1n).toString(), limit: 1 })}`, ZAuditPage),
    onSuccess: (page, seq) => {
      const event = page.items.find((e) => e.seq === seq);
      if (event) onShowEvent(event);
    },
  });
  const showBroken = (seq: string) => lookup.mutate(seq);

  const broken = result && !result.ok ? result.firstBroken : null;
  const tone =
    verify.isPending || !result
      ? ''
      : result.ok
        ? ' audit-verify__status--ok'
        : ' audit-verify__status--broken';
  return (
    <section className="panel audit-verify" aria-labelledby="audit-verify-title">
      <div className="audit-verify__intro">
        <h2 id="audit-verify-title">Tamper evidence</h2>
        <p className="muted">
          Every event is sealed into a hash chain. Verifying recomputes it and names the first event that was
          altered or removed.
        </p>
      </div>
      <div className="audit-verify__body">
        <button type="button" className="button button--primary" onClick={run} disabled={verify.isPending}>
          Verify chain
        </button>
        <div role="status" aria-label="Chain verification" className={`audit-verify__status${tone}`}>
          {verify.isPending ? 'Verifying the chain…' : result ? <VerificationText result={result} /> : null}
        </div>
      </div>
      {broken && (
        <div className="actions">
          <button
            type="button"
            className="button button--small"
            disabled={lookup.isPending}
            onClick={() => showBroken(broken.seq)}
          >
            Show event #{broken.seq}
          </button>
        </div>
      )}
      <ErrorMessage error={verify.error ?? lookup.error} />
    </section>
  );
}
