import type { AuditResult } from '@baton/contracts';

const RESULT_CLASS: Record<AuditResult, string> = {
  success: 'badge badge--ok',
  denied: 'badge badge--danger',
  failed: 'badge badge--warn',
};

export function ResultBadge({ result }: { result: AuditResult }) {
  return <span className={RESULT_CLASS[result]}>{result}</span>;
}
