// Decorative icons, for anywidget: ipywidgets draws a button's icon as an <i class="fa ...">,
// whose glyph (a private-use character) would otherwise become the button's accessible name.
// Every such icon inside the app is hidden from screen readers, so a button is announced by
// its text or, for an icon-only button, by its tooltip.
function render({ el }) {
  let observer = null;
  let tries = 0;
  const hide = (root) => {
    for (const icon of root.querySelectorAll("i.fa:not([aria-hidden])")) icon.setAttribute("aria-hidden", "true");
  };
  const start = () => {
    const app = el.closest(".pk-app");
    if (app === null) {
      if (tries++ < 100) setTimeout(start, 100);
      return;
    }
    hide(app);
    observer = new MutationObserver(() => hide(app));
    observer.observe(app, { childList: true, subtree: true });
  };
  start();
  return () => observer?.disconnect();
}

export default { render };
