// The browser tab's title, for anywidget: "pillarkit · <workload>". Only where the page is the
// app (Voila); JupyterLab names its own tabs.
function render({ model }) {
  const apply = () => {
    if (document.body !== null && document.body.dataset.voila !== undefined) document.title = model.get("title");
  };
  apply();
  model.on("change:title", apply);
  return () => model.off("change:title", apply);
}

export default { render };
