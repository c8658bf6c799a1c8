import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../lib/api';
import { DataTable, type Column, type TableLoad } from './DataTable';

interface Fruit {
  id: string;
  name: string;
  stock: number;
}

const columns: Column<Fruit>[] = [
  { header: 'Fruit', cell: (fruit) => fruit.name },
  { header: 'Stock', cell: (fruit) => String(fruit.stock), title: (fruit) => `${fruit.stock} in store` },
];

function render(load: TableLoad<Fruit>, extra: Partial<Parameters<typeof DataTable<Fruit>>[0]> = {}) {
  return renderToStaticMarkup(
    createElement(DataTable<Fruit>, {
      caption: 'Fruits in store',
      columns,
      load,
      rowKey: (fruit) => fruit.id,
      what: 'fruits',
      empty: 'No fruit yet.',
      ...extra,
    }),
  );
}

const fruits = [
  { id: 'a', name: 'Apple', stock: 3 },
  { id: 'b', name: 'Pear', stock: 0 },
];

describe('the admin table', () => {
  it('names itself for screen readers and shows one row per item, cells in column order', () => {
    const html = render({ data: fruits, isLoading: false, error: null });
    expect(html).toContain('<caption class="visually-hidden">Fruits in store</caption>');
    expect(html).toContain('<th scope="col">Fruit</th><th scope="col">Stock</th>');
    expect(html).toContain('<td>Apple</td><td title="3 in store">3</td>');
    expect(html).toContain('<td>Pear</td><td title="0 in store">0</td>');
    expect(html.match(/<tr>/g)).toHaveLength(3);
  });

  it('puts the row actions last, under a heading only screen readers hear', () => {
    const html = render(
      { data: fruits, isLoading: false, error: null },
      {
        actionsHeader: 'Manage',
        actions: (fruit) => createElement('button', { type: 'button' }, `Edit ${fruit.name}`),
      },
    );
    expect(html).toContain('<th scope="col"><span class="visually-hidden">Manage</span></th></tr>');
    expect(html).toContain(
      '<td class="data-table__actions"><div class="actions data-table__buttons"><button type="button">Edit Pear</button></div></td></tr>',
    );
  });

  it('says it is loading until the first answer, then the empty state, never an empty table', () => {
    expect(render({ data: undefined, isLoading: true, error: null })).toBe(
      '<p class="muted" role="status">Loading fruits…</p>',
    );
    expect(render({ data: [], isLoading: false, error: null })).toBe('<p class="empty">No fruit yet.</p>');
  });

  it('shows why the list could not be loaded, and no table', () => {
    const html = render({
      data: undefined,
      isLoading: false,
      error: new ApiError(403, 'auth.forbidden', 'You may not list fruits.'),
    });
    expect(html).toContain('role="alert"');
    expect(html).toContain('You may not list fruits.');
    expect(html).not.toContain('<table');
    expect(html).not.toContain('Loading');
  });
});
