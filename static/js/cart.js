// Cart: a changed quantity is sent on its own, a moment after the last keystroke
// or arrow press; without this script the "Update" button does it.
document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
  const input = form.querySelector('input[type="number"]');
  if (!input) return;
  form.classList.add("is-automatic");
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    if (input.checkValidity() && input.value !== "") {
      timer = setTimeout(() => form.requestSubmit(), 800);
    }
  });
});
