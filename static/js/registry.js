// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the error summary so screen readers announce it; after
  // an action, to its outcome (the notice). A problem goes first: it is what needs doing next.
  const summary =
    document.querySelector("[role=alert][data-autofocus]") ||
    document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
  }

  // A link in an error summary (or in the stale-edit comparison) goes to the field itself.
  // When it names a group (a fieldset of radios or checkboxes, or a block of fields), focus
  // the group's first control; show the label or legend too, so the question can be read.
  const CONTROLS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";
  const focusField = (hash) => {
    const target = hash && document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) {
      return false;
    }
    const control = target.matches(CONTROLS) ? target : target.querySelector(CONTROLS);
    if (!control) {
      return false;
    }
    const group = target === control ? null : target;
    const caption =
      (group && group.querySelector("legend, .label-like")) ||
      (control.labels && control.labels[0]) ||
      control;
    control.focus({ preventScroll: true });
    caption.scrollIntoView({ block: "start" });
    return true;
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".error-summary a[href^='#'], .stale-panel a[href^='#']");
    if (link && focusField(link.hash)) {
      event.preventDefault();
      if (history.replaceState) {
        history.replaceState(null, "", link.hash);
      }
    }
  });
  // Arriving from another page at a field (a "Change" link on check your answers, or what to
  // fix in its list): that field has focus, unless the page has something to say first.
  if (!summary && document.querySelector("form")) {
    focusField(location.hash);
  }

  // A wide table scrolls sideways on a narrow screen (the CSS does that); when it does, it
  // must be reachable with the keyboard so it can be scrolled with the arrow keys.
  const tables = Array.from(document.querySelectorAll("table.table"));
  const scrollableTables = () => {
    for (const table of tables) {
      const scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.dataset.scrollFocus = "";
      } else if (!scrolls && "scrollFocus" in table.dataset) {
        table.removeAttribute("tabindex");
        delete table.dataset.scrollFocus;
      }
    }
  };
  if (tables.length) {
    scrollableTables();
    window.addEventListener("resize", scrollableTables);
  }
});
