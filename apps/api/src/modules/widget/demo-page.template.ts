import { DEMO_CHANNEL_NAME } from '@baton/contracts';

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const PRODUCTS = [
  ['Highland Breakfast', 'Malty black tea from Assam, strong enough for milk.', '€9.50'],
  ['Jade Mist Sencha', 'Grassy Japanese green tea, steamed the day it was picked.', '€12.00'],
  ['Copper Chai', 'Black tea with cardamom, cinnamon and ginger.', '€8.75'],
] as const;

/**
 * The demo shop page. Static HTML with no inline script, so it works under the API's own CSP
 * (`script-src` falls back to `'self'`; inline `<style>` is allowed by `style-src 'unsafe-inline'`).
 */
export function renderDemoPage(options: { channelId: string | null; widgetServed: boolean }): string {
  const products = PRODUCTS.map(
    ([name, text, price]) =>
      `<li class="product"><h3>${name}</h3><p>${text}</p><p class="price">${price}</p></li>`,
  ).join('\n        ');
  const widget = options.channelId
    ? `<p class="note">This page embeds the Baton chat widget with one tag:
        <code>&lt;script src="/widget/widget.js" data-baton-channel="${escapeHtml(options.channelId)}" async&gt;&lt;/script&gt;</code>.
        Open the chat button at the bottom right; messages reach the agent inbox.</p>
      ${
        options.widgetServed
          ? ''
          : '<p class="warning">The widget bundle is not being served: build it with <code>npm run build</code> and start the API with <code>SERVE_WEB=true</code>.</p>'
      }
    <script src="/widget/widget.js" data-baton-channel="${escapeHtml(options.channelId)}" async></script>`
    : `<p class="warning">No enabled web chat channel named “${DEMO_CHANNEL_NAME}” exists, so there is no chat here yet.
        <code>npm start</code> creates it on a fresh database; otherwise, as an admin, create a <em>webchat</em> channel named
        “${DEMO_CHANNEL_NAME}” whose allowed origins include this page's origin, then reload.</p>`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Copper Kettle Tea Co. — Baton demo</title>
    <style>
      body { margin: 0; font-family: Georgia, 'Times New Roman', serif; color: #2b2118; background: #fbf6ee; }
      header { padding: 2rem 1.5rem; background: #7a4b28; color: #fff8ee; }
      header h1 { margin: 0; font-size: 2rem; }
      main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
      .products { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 1rem; padding: 0; list-style: none; }
      .product { background: #fff; border: 1px solid #e6d8c3; border-radius: 0.5rem; padding: 1rem; }
      .product h3 { margin-top: 0; }
      .price { font-weight: bold; color: #7a4b28; }
      .note, .warning { font-family: system-ui, sans-serif; font-size: 0.95rem; padding: 0.75rem 1rem; border-radius: 0.5rem; }
      .note { background: #eef4ff; border: 1px solid #c9dafc; }
      .warning { background: #fff1e6; border: 1px solid #f3c29b; }
      code { word-break: break-all; }
      /* Host-page styles like these must not leak into the widget (it renders in a Shadow DOM). */
      button { font-size: 2rem; color: red; }
      * { letter-spacing: 0.02em; }
    </style>
  </head>
  <body>
    <header>
      <h1>Copper Kettle Tea Co.</h1>
      <p>Small-batch tea since 1998 (a fictional shop for trying Baton).</p>
    </header>
    <main>
      <h2>This week's teas</h2>
      <ul class="products">
        ${products}
      </ul>
      ${widget}
    </main>
  </body>
</html>
`;
}
