// Decorative icons, for anywidget: ipywidgets draws a button's icon as an <i class="fa ...">,
// whose glyph (a private-use character) would otherwise become the button's accessible name.
// Every such icon inside the app is hidden from screen readers, so a button is announced by
// its text or, for an icon-only button, by its tooltip.
//
// After the first pass only the nodes a mutation added are looked at: the app changes its DOM
// on every tick, and searching the whole app each time delayed the chart by milliseconds.
const ICONS = "i.fa:not([aria-hidden])";

function hideIn(node) {
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  if (node.matches(ICONS)) node.setAttribute("aria-hidden", "true");
  for (const icon of node.querySelectorAll(ICONS)) icon.setAttribute("aria-hidden", "true");
}

function render({ el }) {
  let observer = null;
  let tries = 0;
  const start = () => {
    const app = el.closest(".pk-app");
    if (app === null) {
      if (tries++ < 100) setTimeout(start, 100);
      return;
    }
    hideIn(app);
    observer = new MutationObserver((records) => {
      for (const record of records) for (const node of record.addedNodes) hideIn(node);
    });
    observer.observe(app, { childList: true, subtree: true });
  };
  start();
  return () => observer?.disconnect();
}

export default { render };
