export function OnOffBadge({
  on,
  onLabel = 'Enabled',
  offLabel = 'Disabled',
}: {
  on: boolean;
  onLabel?: string;
  offLabel?: string;
}) {
  return <span className={on ? 'badge badge--ok' : 'badge'}>{on ? onLabel : offLabel}</span>;
}
