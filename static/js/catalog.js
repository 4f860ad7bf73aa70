// Catalogue filters: refresh the results in place when a filter changes.
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
      const results = document.getElementById("results");
      results.outerHTML = await response.text();
      history.replaceState(null, "", url);
    } catch (error) {
      if (error.name !== "AbortError") form.submit();
    }
  }

  form.addEventListener("change", (event) => {
    if (event.target.matches("input[type=checkbox], select")) refresh();
  });
})();
