// Catalogue filters: refresh the results and the filters' counts in place when a
// filter changes; the control that was changed keeps the focus.
// Without this file the form is a plain GET form with a submit button.
(() => {
  const form = document.getElementById("filters");
  if (!form || !window.fetch) return;
  let pending;

  async function refresh() {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of [...params]) {
      if (value === "") params.delete(key, value);
    }
    const url = `${form.action}${params.toString() ? "?" + params : ""}`;
    pending?.abort();
    pending = new AbortController();
    try {
      const response = await fetch(url, {
        headers: { "X-Requested-With": "fetch" },
        signal: pending.signal,
      });
      if (!response.ok) throw new Error(response.statusText);
      const fresh = document.createElement("template");
      fresh.innerHTML = await response.text();
      const focused = document.activeElement;
      const key = focused?.name ? [focused.name, focused.value] : null;
      for (const id of ["facets", "results"]) {
        const replacement = fresh.content.getElementById(id);
        if (replacement) document.getElementById(id).replaceWith(replacement);
      }
      if (key) {
        const again = [...form.elements].find((el) => el.name === key[0] && el.value === key[1]);
        again?.focus();
      }
      history.replaceState(null, "", url);
    } catch (error) {
      if (error.name !== "AbortError") form.submit();
    }
  }

  form.addEventListener("change", (event) => {
    if (event.target.matches("input[type=checkbox], select")) refresh();
  });
})();
