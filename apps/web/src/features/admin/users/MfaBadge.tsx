/** MFA state; "required" flags an account that must use MFA but has none yet. */
export function MfaBadge({ enabled, required = false }: { enabled: boolean; required?: boolean }) {
  if (enabled) return <span className="badge badge--ok">MFA on</span>;
  return (
    <span className={required ? 'badge badge--danger' : 'badge'}>
      {required ? 'MFA off (required)' : 'MFA off'}
    </span>
  );
}
