import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * Colours come from tokens: `ui/tokens.css` defines every one, everything else uses `var(--…)`.
 * This scans the SPA's sources (tests aside) so a hard-coded colour fails here, not in review.
 */
const SRC = fileURLToPath(new URL('..', import.meta.url));
const TOKEN_FILE = 'ui/tokens.css';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(css|tsx?)$/.test(entry.name) && !/\.spec\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

// The CSS named colours a stylesheet is likeliest to reach for (`transparent` and `currentColor` are fine).
const NAMED = [
  'black',
  'white',
  'red',
  'green',
  'blue',
  'yellow',
  'orange',
  'purple',
  'pink',
  'brown',
  'gray',
  'grey',
  'silver',
  'maroon',
  'navy',
  'teal',
  'olive',
  'lime',
  'aqua',
  'fuchsia',
  'cyan',
  'magenta',
  'gold',
  'indigo',
  'violet',
  'crimson',
  'coral',
  'salmon',
  'tomato',
  'khaki',
  'beige',
  'ivory',
  'tan',
  'darkgray',
  'darkgrey',
  'lightgray',
  'lightgrey',
  'dimgray',
  'dimgrey',
  'whitesmoke',
  'gainsboro',
  'darkred',
  'darkgreen',
  'darkblue',
  'lightblue',
  'lightgreen',
  'skyblue',
  'steelblue',
  'slategray',
  'slategrey',
  'royalblue',
  'dodgerblue',
  'firebrick',
  'orangered',
  'goldenrod',
  'seagreen',
  'forestgreen',
].join('|');

const LITERALS: { kind: string; pattern: RegExp }[] = [
  { kind: 'hex colour', pattern: /(?<![\w&$-])#(?:[0-9a-f]{8}|[0-9a-f]{6}|[0-9a-f]{3,4})(?![\w-])/gi },
  { kind: 'colour function', pattern: /\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(/gi },
  {
    kind: 'named colour',
    // In a colour-bearing CSS declaration, or a style/SVG colour prop in TSX.
    pattern: new RegExp(
      `(?:\\b(?:color|background(?:-color)?|border(?:-[a-z]+)*|outline(?:-color)?|fill|stroke|(?:box|text)-shadow|caret-color|accent-color|text-decoration(?:-color)?)\\s*:[^;{}]*?|\\b(?:fill|stroke|color|background|backgroundColor|borderColor|stopColor)\\s*[=:]\\s*\\{?\\s*)['"]?(?<![-\\w])(?:${NAMED})(?![-\\w])`,
      'gi',
    ),
  },
];

function colourLiterals(text: string): { kind: string; line: number; match: string }[] {
  const found: { kind: string; line: number; match: string }[] = [];
  for (const { kind, pattern } of LITERALS) {
    for (const m of text.matchAll(pattern)) {
      found.push({ kind, line: text.slice(0, m.index).split('\n').length, match: m[0].trim() });
    }
  }
  return found;
}

describe('colour tokens', () => {
  const files = sources(SRC).map((path) => ({ name: relative(SRC, path), text: readFileSync(path, 'utf8') }));

  it('finds colour literals of every kind it refuses', () => {
    expect(colourLiterals('a { color: #1d4ed8; }')).toHaveLength(1);
    expect(colourLiterals('a { box-shadow: 0 0 2px rgb(15 23 42 / 0.3); }')).toHaveLength(1);
    expect(colourLiterals('a { border: 1px solid grey; }')).toHaveLength(1);
    expect(colourLiterals('<rect fill="white" />')).toHaveLength(1);
    expect(colourLiterals('a { color: var(--white); fill: var(--qr-dark); }')).toEqual([]);
    expect(colourLiterals('a { color: var(--fg); border-color: transparent; white-space: nowrap; }')).toEqual(
      [],
    );
    expect(colourLiterals("navigate('#main'); const id = `#${value}`;")).toEqual([]);
  });

  it('are the only colours: no literal outside the token file', () => {
    const offenders = files
      .filter((f) => f.name !== TOKEN_FILE)
      .flatMap((f) => colourLiterals(f.text).map((c) => `${f.name}:${c.line} ${c.kind} ${c.match}`));
    expect(offenders).toEqual([]);
  });

  it('are all defined: every var(--…) a source uses exists', () => {
    const defined = new Set(
      files
        .filter((f) => f.name.endsWith('.css'))
        .flatMap((f) => [...f.text.matchAll(/(--[\w-]+)\s*:/g)].map((m) => m[1])),
    );
    const missing = files.flatMap((f) =>
      [...f.text.matchAll(/var\((--[\w-]+)/g)]
        .filter((m) => !defined.has(m[1]))
        .map((m) => `${f.name}: ${m[1]}`),
    );
    expect(defined.size).toBeGreaterThan(20);
    expect(missing).toEqual([]);
  });
});
