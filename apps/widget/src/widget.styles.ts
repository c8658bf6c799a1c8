/**
 * The widget's only stylesheet, applied inside its shadow root. Page selectors never reach inside;
 * `.root { all: initial }` also stops whatever the page makes the host inherit (fonts, colours,
 * letter-spacing), since page rules on the host element outrank `:host`.
 */
export const WIDGET_CSS = `
:host { all: initial; }
.root {
  all: initial;
  position: fixed;
  right: 20px;
  bottom: 20px;
  z-index: 2147483000;
  font: 15px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  color: #1f2328;
  --accent: #2457d6;
  --accent-ink: #ffffff;
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
button { font: inherit; cursor: pointer; }
:focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }

.launcher {
  position: relative; width: 56px; height: 56px; border-radius: 50%; border: none;
  background: var(--accent); color: var(--accent-ink);
  box-shadow: 0 4px 14px rgba(0, 0, 0, 0.25);
  display: grid; place-items: center; margin-left: auto;
}
.launcher svg { width: 26px; height: 26px; }
.badge {
  position: absolute; top: -4px; right: -4px; min-width: 20px; height: 20px; padding: 0 6px;
  border-radius: 10px; background: #d1242f; color: #fff; font-size: 12px; line-height: 20px; text-align: center;
}

.panel {
  position: absolute; right: 0; bottom: 72px;
  width: min(370px, calc(100vw - 40px)); height: min(560px, calc(100vh - 120px));
  display: flex; flex-direction: column; overflow: hidden;
  background: #fff; border-radius: 14px; box-shadow: 0 12px 40px rgba(0, 0, 0, 0.28);
}
.header {
  display: flex; align-items: center; gap: 8px; padding: 12px 14px;
  background: var(--accent); color: var(--accent-ink);
}
.title { flex: 1; margin: 0; font-size: 16px; font-weight: 600; }
.close {
  width: 32px; height: 32px; border: none; border-radius: 8px; background: transparent;
  color: inherit; font-size: 22px; line-height: 1;
}
.close:hover { background: rgba(255, 255, 255, 0.15); }
.status { margin: 0; padding: 8px 14px; font-size: 13px; color: #57606a; background: #f6f8fa; border-bottom: 1px solid #eaeef2; }
.status:empty { display: none; }

.log { flex: 1; margin: 0; padding: 14px; list-style: none; overflow-y: auto; display: flex; flex-direction: column; gap: 10px; }
.msg { max-width: 82%; display: flex; flex-direction: column; gap: 2px; }
.msg .author { font-size: 12px; color: #57606a; }
.msg .body {
  margin: 0; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere;
  background: #f0f2f5;
}
.msg.mine { align-self: flex-end; align-items: flex-end; }
.msg.mine .body { background: var(--accent); color: var(--accent-ink); }
.msg.pending .body { opacity: 0.65; }
.msg .meta { font-size: 11px; color: #8c959f; }
.msg.system { align-self: center; max-width: 100%; }
.msg.system .body { background: transparent; color: #57606a; font-size: 13px; text-align: center; }
.msg.greeting .body { background: #eef3ff; }

.typing { margin: 0; padding: 0 14px 6px; min-height: 20px; font-size: 12px; color: #57606a; }
.notice { margin: 0; padding: 8px 14px; font-size: 13px; background: #fff8c5; color: #4d2d00; }
.notice:empty { display: none; }

.composer { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #eaeef2; align-items: flex-end; }
.input {
  flex: 1; resize: none; max-height: 120px; min-height: 40px; padding: 9px 12px;
  font: inherit; color: inherit; border: 1px solid #d0d7de; border-radius: 10px; background: #fff;
}
.input:disabled { background: #f6f8fa; }
.send {
  height: 40px; padding: 0 14px; border: none; border-radius: 10px;
  background: var(--accent); color: var(--accent-ink); font-weight: 600;
}
.send:disabled { opacity: 0.5; cursor: default; }
.offline { margin: 0; padding: 0 14px 8px; font-size: 12px; color: #9a6700; }

@media (max-width: 480px) {
  .root { right: 12px; bottom: 12px; }
  .panel { width: calc(100vw - 24px); height: calc(100vh - 100px); }
}
@media (prefers-reduced-motion: no-preference) {
  .panel { animation: rise 160ms ease-out; }
  @keyframes rise { from { opacity: 0; transform: translateY(8px); } to { opacity: 1; transform: none; } }
}
`;
