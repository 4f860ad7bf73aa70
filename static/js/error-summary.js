// A form sent back with errors: its summary takes the focus, so that a screen reader
// reads it first and the keyboard starts there. A link of the summary focuses its field
// and shows the field's label (a radio group's legend) above it, not the bare input.
(() => {
  const summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest('a[href^="#"]');
    const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    const shown =
      field.type === "radio"
        ? field.closest("fieldset")?.querySelector("legend") || field
        : document.querySelector(`label[for="${CSS.escape(field.id)}"]`) || field;
    shown.scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
