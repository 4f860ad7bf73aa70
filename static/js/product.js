// Product page. Without this file the form shows every colour's sizes, one radio per
// variant, and posts the variant chosen. With it:
// - the colours become swatches and only the chosen colour's sizes show (choosing
//   another colour keeps the size when that colour has it in stock);
// - a bar at the foot of the screen offers the price and the button while the form's
//   own button is off the screen; it submits the same form, or first takes the
//   shopper to the sizes when none is chosen;
// - a sold-out size leads to the back-in-stock form with that size chosen.
(() => {
  const form = document.getElementById("add-to-cart");
  if (!form) return;
  const groups = [...form.querySelectorAll(".size-group")];
  const swatches = form.querySelector("[data-swatches]");
  const chosenVariant = () => form.querySelector('input[name="variant"]:checked');
  const bar = document.querySelector("[data-buy-bar]");
  const barChoice = bar?.querySelector("[data-buy-bar-choice]");
  const visibleGroup = () => groups.find((group) => !group.hidden) || groups[0];

  function size(input) {
    return input?.closest("label").querySelector(".size-option__size").textContent.trim();
  }

  function showColour(colour) {
    const previous = chosenVariant();
    const group = groups.find((candidate) => candidate.dataset.colour === colour);
    if (!group) return;
    for (const other of groups) other.hidden = other !== group;
    // The same size in the new colour, if it is in stock; else none (one size: that one).
    const sizes = [...group.querySelectorAll('input[name="variant"]:not(:disabled)')];
    const same = sizes.find((input) => size(input) === size(previous));
    if (previous && !group.contains(previous)) previous.checked = false;
    if (same) same.checked = true;
    else if (sizes.length === 1 && group.querySelectorAll('input[name="variant"]').length === 1) {
      sizes[0].checked = true;
    }
    const name = swatches.querySelector("[data-swatch-name]");
    const swatch = swatches.querySelector(`input[value="${CSS.escape(colour)}"]`);
    swatch.checked = true;
    name.textContent = ` · ${swatch.closest("label").querySelector(".swatch__name").textContent}`;
    describe();
  }

  if (swatches && groups.length > 1) {
    swatches.hidden = false;
    form.classList.add("add-to-cart--swatches");
    const start =
      chosenVariant()?.dataset.colour ||
      groups.find((group) => group.querySelector('input[name="variant"]:not(:disabled)'))?.dataset
        .colour ||
      groups[0].dataset.colour;
    showColour(start);
    swatches.addEventListener("change", (event) => {
      if (event.target.name === "colour") showColour(event.target.value);
    });
  }

  // What the sticky bar says of the choice.
  function describe() {
    if (!barChoice) return;
    const input = chosenVariant();
    barChoice.textContent = input ? input.closest("label").textContent.replace(/\s+/g, " ").trim() : "";
  }
  form.addEventListener("change", describe);
  describe();

  // No size chosen: to the sizes, the first one in stock focused, instead of the browser
  // pointing at a radio of a colour that is hidden.
  function needsChoice(event) {
    if (chosenVariant()) return;
    event.preventDefault();
    const group = visibleGroup();
    group.scrollIntoView({ block: "center", behavior: "smooth" });
    const first = group.querySelector('input[name="variant"]:not(:disabled)');
    (first || group.querySelector("input"))?.focus({ preventScroll: true });
    group.classList.add("size-group--asked");
  }
  form.querySelector("[data-main-button]")?.addEventListener("click", needsChoice);
  bar?.querySelector("button")?.addEventListener("click", needsChoice);
  form.addEventListener("change", () => {
    for (const group of groups) group.classList.remove("size-group--asked");
  });

  const mainButton = form.querySelector("[data-main-button]");
  if (bar && mainButton && "IntersectionObserver" in window) {
    const observer = new IntersectionObserver(([entry]) => {
      const off = !entry.isIntersecting;
      bar.hidden = !off;
      document.body.classList.toggle("has-buy-bar", off);
    });
    observer.observe(mainButton);
  }

  // A sold-out size: to the back-in-stock form, that size chosen in it.
  const alertForm = document.getElementById("stock-alert");
  form.addEventListener("click", (event) => {
    const label = event.target.closest?.(".size-option--out");
    if (!label || !alertForm) return;
    const variant = label.querySelector("input").value;
    const select = alertForm.querySelector('select[name="variant"]');
    if (select?.querySelector(`option[value="${CSS.escape(variant)}"]`)) select.value = variant;
    alertForm.scrollIntoView({ behavior: "smooth", block: "start" });
    alertForm.querySelector('input[type="email"]')?.focus({ preventScroll: true });
  });
})();
