// Catalogue filters. Without this file the form is a plain GET form with a submit
// button, and on a phone the drawer is a <details> its summary opens and closes.
// - Beside the results (a wide screen): a changed filter refreshes the results and
//   the filters' counts in place; the control that was changed keeps the focus.
// - In the drawer (a phone): a changed filter asks the server how many products the
//   choices give (the listing's own count, `?count=1`) and the button says so,
//   "Show 12 products"; the button applies them. Escape closes the drawer.
(() => {
  const form = document.getElementById("filters");
  const panel = document.getElementById("filters-panel");
  if (!form || !panel || !window.fetch) return;
  const drawer = window.matchMedia("(max-width: 59.99rem)");
  const apply = form.querySelector(".filters__apply button");
  const applyWords = apply.textContent;
  let pending;

  function query(extra) {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of [...params]) {
      if (value === "") params.delete(key, value);
    }
    if (extra) params.set(...extra);
    return params.toString() ? `?${params}` : "";
  }

  async function ask(url, headers) {
    pending?.abort();
    pending = new AbortController();
    const response = await fetch(url, { headers, signal: pending.signal });
    if (!response.ok) throw new Error(response.statusText);
    return response;
  }

  // A folded group's line: its legend and the options ticked in it ("Size: M, L").
  function summarise(group) {
    const summary = group.querySelector("summary");
    const ticked = [...group.querySelectorAll("input[type=checkbox]:checked")];
    if (!summary || !group.querySelector("input[type=checkbox]")) return;
    const names = ticked.map((box) => box.nextSibling.textContent.trim());
    summary.textContent = names.length
      ? form.dataset.summary
          .replace("%(group)s", group.dataset.legend)
          .replace("%(chosen)s", names.join(", "))
      : group.dataset.legend;
  }

  // The number of products the listing shows now, in the button's words.
  function showCurrentCount() {
    const count = document.getElementById("results-count");
    apply.textContent = drawer.matches && count?.dataset.show ? count.dataset.show : applyWords;
  }

  async function count() {
    try {
      const response = await ask(form.action + query(["count", "1"]), {});
      const answer = await response.json();
      apply.textContent = answer.label;
      for (const box of form.querySelectorAll("#facets input[type=checkbox]")) {
        const shown = box.parentElement.querySelector(".facet__count");
        const options = answer.options[box.name];
        if (!shown || !options) continue;
        const left = options[box.value] ?? 0;
        shown.textContent = `(${left})`;
        box.parentElement.classList.toggle("facet__option--none", left === 0 && !box.checked);
      }
    } catch (error) {
      if (error.name !== "AbortError") apply.textContent = applyWords;
    }
  }

  async function refresh() {
    const url = form.action + query();
    try {
      const response = await ask(url, { "X-Requested-With": "fetch" });
      const fresh = document.createElement("template");
      fresh.innerHTML = await response.text();
      const focused = document.activeElement;
      const key = focused?.name ? [focused.name, focused.value] : null;
      const open = [...form.querySelectorAll(".facet-group[open]")].map((g) => g.dataset.group);
      for (const id of ["facets", "results"]) {
        const replacement = fresh.content.getElementById(id);
        if (replacement) document.getElementById(id).replaceWith(replacement);
      }
      for (const group of form.querySelectorAll(".facet-group")) {
        if (open.includes(group.dataset.group)) group.open = true;
      }
      if (key) {
        const again = [...form.elements].find((el) => el.name === key[0] && el.value === key[1]);
        again?.focus();
      }
      history.replaceState(null, "", url);
      showCurrentCount();
    } catch (error) {
      if (error.name !== "AbortError") form.submit();
    }
  }

  form.addEventListener("change", (event) => {
    const group = event.target.closest(".facet-group");
    if (group) summarise(group);
    if (drawer.matches) {
      if (event.target.matches("input, select")) count();
    } else if (event.target.matches("input[type=checkbox], select")) {
      refresh();
    }
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drawer.matches && panel.open) {
      panel.open = false;
      panel.querySelector("summary").focus();
    }
  });
  drawer.addEventListener("change", showCurrentCount);
  showCurrentCount();
})();
