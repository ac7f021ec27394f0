// The app's keyboard, for anywidget: one listener on the window, in the capture phase, so a
// key the app uses never reaches JupyterLab's own shortcuts (its "1" would turn a cell into a
// heading). Keys act only while the person is not typing in a text field, and only for this
// app: in JupyterLab when the focus is inside it, in Voila (the whole page is the app) also
// when nothing has the focus. The bindings come from Python (kit/app/keyboard.py); this file
// only matches keys, sends {action, key} to the kernel and shows the help overlay itself.

const TEXT_TYPES = new Set([
  "text", "search", "email", "number", "password", "url", "tel",
  "date", "datetime-local", "month", "time", "week",
]);

function typing(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return TEXT_TYPES.has((target.getAttribute("type") || "text").toLowerCase());
  return false;
}

// "n", "ArrowRight", "ctrl+z", "ctrl+shift+z", "?" or a digit; digits by their physical key, so that layouts
// where digits need Shift (AZERTY) still tick practices.
function keyName(event) {
  const digit = /^(?:Digit|Numpad)([0-9])$/.exec(event.code || "");
  const plain = !event.ctrlKey && !event.metaKey && !event.altKey;
  if (digit && plain) return digit[1];
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const ctrl = event.ctrlKey || event.metaKey;
  // Shift is named only with Ctrl (Ctrl+Shift+Z is redo elsewhere, never undo); alone it makes "?".
  return (ctrl ? "ctrl+" : "") + (ctrl && event.shiftKey ? "shift+" : "") + (event.altKey ? "alt+" : "") + key;
}

function inVoila() {
  return document.body !== null && document.body.dataset.voila !== undefined;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el }) {
  const handled = new WeakSet();
  let overlay = null;
  let opener = null;

  const button = element("button", "pk-keys-button", "Keys");
  button.type = "button";
  button.title = "Keyboard shortcuts (?)";
  button.setAttribute("aria-haspopup", "dialog");
  button.setAttribute("aria-keyshortcuts", "?");
  el.appendChild(button);

  function root() {
    return el.closest(".pk-app");
  }

  function ours(event) {
    const app = root();
    if (app === null) return false;
    const target = event.target;
    if (target instanceof Node && app.contains(target)) return true;
    if (!inVoila()) return false;
    return target === document.body || target === document.documentElement || target === document || target === window;
  }

  function closeHelp() {
    if (overlay === null) return;
    overlay.remove();
    overlay = null;
    if (opener !== null && document.contains(opener)) opener.focus();
    opener = null;
  }

  function openHelp() {
    if (overlay !== null) return;
    opener = document.activeElement;
    overlay = element("div", "pk-keys-overlay");
    const dialog = element("div", "pk-keys-help");
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-labelledby", "pk-keys-title");
    const title = element("h2", "pk-keys-title", "Keyboard shortcuts");
    title.id = "pk-keys-title";
    const list = element("dl", "pk-keys-list");
    for (const binding of model.get("bindings")) {
      const keys = element("dt", "pk-keys-keys");
      binding.shown.forEach((shown, i) => {
        if (i > 0) keys.appendChild(document.createTextNode(" or "));
        keys.appendChild(element("kbd", "", shown));
      });
      list.appendChild(keys);
      list.appendChild(element("dd", "pk-keys-what", binding.label));
    }
    const note = element("p", "pk-keys-note", model.get("note"));
    const close = element("button", "pk-keys-close", "Close");
    close.type = "button";
    close.addEventListener("click", closeHelp);
    dialog.append(title, list, note, close);
    overlay.appendChild(dialog);
    overlay.addEventListener("click", (event) => {
      if (event.target === overlay) closeHelp();
    });
    document.body.appendChild(overlay);
    close.focus();
  }

  button.addEventListener("click", () => (overlay === null ? openHelp() : closeHelp()));

  function onKey(event) {
    if (handled.has(event) || event.defaultPrevented || event.isComposing) return;
    if (overlay !== null) {
      if (event.key === "Escape" || event.key === "?" || event.key === "Tab") {
        handled.add(event);
        event.preventDefault();
        event.stopPropagation();
        if (event.key === "Tab") overlay.querySelector(".pk-keys-close").focus(); // the dialog keeps the focus
        else closeHelp();
      }
      return;
    }
    if (!ours(event) || typing(event.target)) return;
    const name = keyName(event);
    const binding = model.get("bindings").find((b) => b.keys.includes(name));
    if (binding === undefined) return;
    handled.add(event);
    event.preventDefault();
    event.stopPropagation();
    if (event.repeat) return; // a held key acts once
    if (binding.action === "help") {
      openHelp();
    } else {
      model.send({ action: binding.action, key: name });
    }
  }

  window.addEventListener("keydown", onKey, true);
  // A click anywhere on the app gives it the keys (in JupyterLab they go where the focus is).
  // The view is put into the page after render returns, so the app's root is found a moment later.
  let tries = 0;
  const focusable = () => {
    const app = root();
    if (app !== null) {
      if (!app.hasAttribute("tabindex")) app.tabIndex = -1;
    } else if (tries++ < 100) {
      setTimeout(focusable, 100);
    }
  };
  focusable();
  return () => {
    window.removeEventListener("keydown", onKey, true);
    closeHelp();
  };
}

export default { render };
