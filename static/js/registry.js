// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the error summary so screen readers announce it.
  const summary = document.querySelector("[data-autofocus]");
  if (summary) {
    summary.focus();
  }
});
