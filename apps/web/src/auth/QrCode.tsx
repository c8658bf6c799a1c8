import { encode } from 'uqr';

/** Draws the QR code in the page: the MFA secret never leaves the browser for a rendering service. */
export default function QrCode({ value, label }: { value: string; label: string }) {
  const { data, size } = encode(value, { border: 2 });
  const cells: string[] = [];
  data.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) cells.push(`M${x} ${y}h1v1h-1z`);
    }),
  );
  return (
    <svg
      className="qr"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${size} ${size}`}
      shapeRendering="crispEdges"
    >
      <rect className="qr__light" width={size} height={size} />
      <path className="qr__dark" d={cells.join('')} />
    </svg>
  );
}
