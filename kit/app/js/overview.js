// The question overview, for anywidget: every question of the review grouped by pillar, each a
// button with its risk as a class (pk-risk-high, ...), a mark in words and an accessible name,
// so risk is never told by colour alone. Built once per review ("groups"); a change of risk or
// of the question on screen only changes classes and labels in place.

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el }) {
  let buttons = [];

  function paint() {
    const risks = model.get("risks");
    const marks = model.get("marks");
    const current = model.get("current");
    buttons.forEach((button, index) => {
      const mark = marks[risks[index]] || marks.UNANSWERED;
      for (const other of Object.values(marks)) {
        if (other.css !== mark.css) button.classList.remove(other.css);
      }
      button.classList.add(mark.css);
      const badge = button.querySelector(".pk-overview-mark");
      if (badge.textContent !== mark.mark) badge.textContent = mark.mark;
      button.setAttribute("aria-label", `${button.dataset.label}: ${mark.words}`);
      button.title = mark.words;
      if (index === current) button.setAttribute("aria-current", "true");
      else button.removeAttribute("aria-current");
    });
  }

  function build() {
    el.replaceChildren();
    buttons = [];
    const nav = element("nav", "pk-overview-nav");
    nav.setAttribute("aria-label", "Questions of the review");
    for (const group of model.get("groups")) {
      const section = element("section", "pk-overview-group");
      section.appendChild(element("h4", "pk-overview-pillar", group.title));
      const list = element("ol", "pk-overview-list");
      for (const [index, code, title] of group.items) {
        const button = element("button", "pk-overview-item");
        button.type = "button";
        button.dataset.index = String(index);
        button.dataset.label = code ? `${code} ${title}` : title;
        button.append(element("span", "pk-overview-mark"));
        if (code) button.append(element("span", "pk-overview-code", code));
        button.append(element("span", "pk-overview-title", title));
        button.addEventListener("click", () => model.send({ open: index }));
        const item = element("li");
        item.appendChild(button);
        list.appendChild(item);
        buttons[index] = button;
      }
      section.appendChild(list);
      nav.appendChild(section);
    }
    el.appendChild(nav);
    paint();
  }

  build();
  model.on("change:groups", build);
  model.on("change:risks", paint);
  model.on("change:current", paint);
  return () => {
    model.off("change:groups", build);
    model.off("change:risks", paint);
    model.off("change:current", paint);
  };
}

export default { render };
