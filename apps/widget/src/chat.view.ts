import type { ChatClient, ChatSnapshot } from './chat.client.js';
import type { KeyValueStorage } from './outbox.store.js';
import { authorLabel, statusLine } from './status-line.format.js';
import { WIDGET_CSS } from './widget.styles.js';

const MAX_MESSAGE_LENGTH = 5_000;

/** One line of the transcript as drawn: a stored message, one still in the outbox, or the greeting. */
interface Row {
  key: string;
  author: string | null;
  body: string;
  kind: 'customer' | 'bot' | 'agent' | 'system' | 'greeting';
  meta: string;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** Writes only real changes: rewriting a live region with the same text can make it speak again. */
function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

function chatIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute(
    'd',
    'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z',
  );
  svg.append(path);
  return svg;
}

/**
 * The launcher and chat panel, drawn in a shadow root so the host page's CSS cannot reach in.
 * Messages are text nodes only (never HTML). The transcript is a `role="log"` live region, updated
 * in place so screen readers announce each new message once; everything works from the keyboard
 * (Enter sends, Shift+Enter adds a line, Escape closes).
 */
export class ChatView {
  private readonly launcher: HTMLButtonElement;
  private readonly badge: HTMLSpanElement;
  private readonly panel: HTMLElement;
  private readonly title: HTMLHeadingElement;
  private readonly closeButton: HTMLButtonElement;
  private readonly status: HTMLParagraphElement;
  private readonly log: HTMLOListElement;
  private readonly typingLine: HTMLParagraphElement;
  private readonly notice: HTMLParagraphElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly offline: HTMLParagraphElement;
  private readonly rows = new Map<string, HTMLLIElement>();
  private open = false;
  /** Focus the composer as soon as it is enabled (the chat was just opened while connecting). */
  private focusWhenReady = false;
  /** Unread count: bot and agent messages after this `seq`; kept across reloads, like the visitor. */
  private seen: { conversationId: string | null; seq: number };

  constructor(
    host: HTMLElement,
    private readonly client: ChatClient,
    private readonly storage: { store: KeyValueStorage | null; key: string },
  ) {
    this.seen = this.readSeen();
    // Page rules may target the host element itself; inline !important outranks them (nothing inherits in).
    host.style.cssText = 'all: initial !important; display: block !important;';
    const root = host.attachShadow({ mode: 'open' });
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet.prototype.replaceSync === 'function') {
      // A constructed sheet also works on pages whose CSP forbids inline <style>.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(WIDGET_CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.append(el('style', {}, WIDGET_CSS));
    }

    this.badge = el('span', { class: 'badge', 'aria-hidden': 'true', hidden: '' });
    this.launcher = el(
      'button',
      { class: 'launcher', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'baton-panel' },
      chatIcon(),
      this.badge,
    );
    this.title = el('h2', { class: 'title', id: 'baton-title' }, 'Chat');
    this.closeButton = el('button', { class: 'close', type: 'button', 'aria-label': 'Close chat' }, '×');
    this.status = el('p', { class: 'status', role: 'status' });
    this.log = el('ol', {
      class: 'log',
      role: 'log',
      'aria-live': 'polite',
      'aria-relevant': 'additions',
      'aria-label': 'Messages',
      tabindex: '0',
    });
    this.typingLine = el('p', { class: 'typing', 'aria-live': 'polite' });
    this.notice = el('p', { class: 'notice', role: 'alert' });
    this.input = el('textarea', {
      class: 'input',
      id: 'baton-input',
      rows: '1',
      maxlength: String(MAX_MESSAGE_LENGTH),
      placeholder: 'Write a message…',
    });
    this.sendButton = el('button', { class: 'send', type: 'button' }, 'Send');
    this.offline = el('p', { class: 'offline', hidden: '' });
    this.panel = el(
      'section',
      { class: 'panel', id: 'baton-panel', role: 'dialog', 'aria-labelledby': 'baton-title', hidden: '' },
      el('div', { class: 'header' }, this.title, this.closeButton),
      this.status,
      this.log,
      this.typingLine,
      this.notice,
      el(
        'div',
        { class: 'composer' },
        el('label', { class: 'sr-only', for: 'baton-input' }, 'Message'),
        this.input,
        this.sendButton,
      ),
      this.offline,
    );
    root.append(el('div', { class: 'root' }, this.panel, this.launcher));

    this.launcher.addEventListener('click', () => this.toggle());
    this.closeButton.addEventListener('click', () => this.toggle(false));
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.toggle(false);
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.input.addEventListener('input', () => {
      this.client.typing();
      this.fitInput();
    });
    this.sendButton.addEventListener('click', () => this.submit());
    client.subscribe(() => this.render());
    this.render();
  }

  toggle(open = !this.open): void {
    if (open === this.open) return;
    this.open = open;
    this.panel.hidden = !open;
    if (open) {
      this.client.start();
      this.focusWhenReady = true;
      this.render();
      (this.input.disabled ? this.closeButton : this.input).focus();
      this.scrollToEnd();
    } else {
      this.render();
      this.launcher.focus();
    }
  }

  private submit(): void {
    if (this.input.disabled || !this.input.value.trim()) return;
    this.client.send(this.input.value);
    this.input.value = '';
    this.fitInput();
    this.scrollToEnd();
  }

  private fitInput(): void {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight + 2, 120)}px`;
  }

  private render(): void {
    const state = this.client.snapshot();
    setText(this.title, state.channel?.name ?? 'Chat');
    setText(this.status, statusLine(state.conversation));
    setText(this.notice, state.notice ?? '');
    setText(
      this.typingLine,
      state.agentTyping ? `${state.conversation?.agentName ?? 'The agent'} is typing…` : '',
    );

    const ready = state.phase === 'online';
    // Disabling drops the focus; give it back to the composer once it is enabled again.
    if (!ready && this.input.matches(':focus')) this.focusWhenReady = true;
    this.input.disabled = !ready;
    this.sendButton.disabled = !ready;
    this.offline.hidden = ready || state.phase === 'unavailable' || state.phase === 'idle';
    setText(
      this.offline,
      state.phase === 'connecting'
        ? 'Connecting…'
        : 'Reconnecting… your messages will be sent once the connection is back.',
    );
    if (ready && this.focusWhenReady) {
      this.focusWhenReady = false;
      const active = this.activeElement();
      // Unless the visitor has moved on to something else in the panel meanwhile.
      if (this.open && (!active || active === this.closeButton)) this.input.focus();
    }

    this.renderLog(state);
    this.renderBadge(state);
  }

  private activeElement(): Element | null {
    return (this.panel.getRootNode() as ShadowRoot).activeElement;
  }

  private rowsOf(state: ChatSnapshot): Row[] {
    const rows: Row[] = [];
    if (state.channel?.greeting) {
      rows.push({ key: 'greeting', author: null, body: state.channel.greeting, kind: 'greeting', meta: '' });
    }
    for (const m of state.messages) {
      rows.push({
        // Keyed by clientMessageId when it has one, so the "sending" line becomes the sent one in place.
        key: m.clientMessageId ? `c:${m.clientMessageId}` : `s:${m.seq}`,
        author: authorLabel(m),
        body: m.body,
        kind: m.authorKind,
        meta: '',
      });
    }
    for (const p of state.pending) {
      rows.push({
        key: `c:${p.clientMessageId}`,
        author: authorLabel({ authorKind: 'customer', authorName: null }),
        body: p.body,
        kind: 'customer',
        meta: state.phase === 'online' ? 'Sending…' : 'Waiting for the connection…',
      });
    }
    return rows;
  }

  private renderLog(state: ChatSnapshot): void {
    const nearEnd = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 60;
    const rows = this.rowsOf(state);
    const wanted = new Set(rows.map((r) => r.key));
    for (const [key, item] of this.rows) {
      if (!wanted.has(key)) {
        item.remove();
        this.rows.delete(key);
      }
    }
    let previous: Element | null = null;
    for (const row of rows) {
      let item = this.rows.get(row.key);
      if (!item) {
        item = this.createRow(row);
        this.rows.set(row.key, item);
      }
      item.classList.toggle('pending', row.meta !== '');
      const meta = item.querySelector('.meta');
      if (meta) setText(meta, row.meta);
      // Move only what is out of place, so the live region does not announce old lines again.
      const expected: Element | null = previous ? previous.nextElementSibling : this.log.firstElementChild;
      if (expected !== item) this.log.insertBefore(item, expected);
      previous = item;
    }
    if (nearEnd) this.scrollToEnd();
  }

  private createRow(row: Row): HTMLLIElement {
    const mine = row.kind === 'customer';
    const item = el('li', { class: `msg ${row.kind}${mine ? ' mine' : ''}` });
    if (row.author) {
      // "You" is for screen readers; bot and agent names are shown.
      item.append(el('span', { class: mine ? 'author sr-only' : 'author' }, row.author));
    }
    item.append(el('p', { class: 'body' }, row.body), el('span', { class: 'meta' }, row.meta));
    return item;
  }

  private renderBadge(state: ChatSnapshot): void {
    const conversationId = state.conversation?.id ?? null;
    if (conversationId && conversationId !== this.seen.conversationId) this.seen = { conversationId, seq: 0 };
    const highest = state.messages.at(-1)?.seq ?? 0;
    if (this.open && highest > this.seen.seq) {
      this.seen.seq = highest;
      this.writeSeen();
    }
    const unread = state.messages.filter((m) => m.authorKind !== 'customer' && m.seq > this.seen.seq).length;
    this.badge.hidden = unread === 0;
    setText(this.badge, String(unread));
    this.launcher.setAttribute('aria-expanded', String(this.open));
    this.launcher.setAttribute(
      'aria-label',
      this.open
        ? 'Close chat'
        : unread > 0
          ? `Open chat, ${unread} new message${unread === 1 ? '' : 's'}`
          : 'Open chat',
    );
  }

  private readSeen(): { conversationId: string | null; seq: number } {
    try {
      const [conversationId, seq] = (this.storage.store?.getItem(this.storage.key) ?? '').split(' ');
      return conversationId && Number(seq) >= 0
        ? { conversationId, seq: Number(seq) }
        : { conversationId: null, seq: 0 };
    } catch {
      return { conversationId: null, seq: 0 };
    }
  }

  private writeSeen(): void {
    try {
      this.storage.store?.setItem(this.storage.key, `${this.seen.conversationId ?? ''} ${this.seen.seq}`);
    } catch {
      // Blocked storage: the unread count lasts as long as the page.
    }
  }

  private scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }
}
