// The browser's own print-to-PDF, for anywidget: where the server has no Chromium (Binder), the
// kernel sends the handout's HTML here; it is laid into a hidden frame on this page and the
// frame's print dialog opens, with the handout's print stylesheet (A4 pages, page breaks).
// The person picks "Save as PDF". The handout runs no script; its CSP stays in force in the frame.
function render({ model }) {
  const onMessage = (content) => {
    if (!content || typeof content.html !== "string") return;
    const frame = document.createElement("iframe");
    frame.className = "pk-print-frame";
    frame.title = content.title || "Handout";
    frame.setAttribute("aria-hidden", "true");
    frame.style.cssText = "position:fixed;right:0;bottom:0;width:0;height:0;border:0;visibility:hidden";
    frame.addEventListener("load", () => {
      try {
        frame.contentWindow.focus();
        frame.contentWindow.print(); // returns once the dialog is closed
      } finally {
        model.send({ printed: true });
        setTimeout(() => frame.remove(), 1000);
      }
    });
    frame.srcdoc = content.html;
    document.body.appendChild(frame);
  };
  model.on("msg:custom", onMessage);
  return () => model.off("msg:custom", onMessage);
}

export default { render };
