// Product gallery. Choosing a colour brings its picture to the front; on a phone, where
// the pictures scroll sideways, a count says which one shows ("2 / 4"); a tap on a
// picture shows it larger over the page. Without this file every picture shows, the
// cover first, and each links to its larger version.
(() => {
  const media = document.querySelector("[data-gallery]");
  const gallery = media?.querySelector(".product__gallery");
  if (!gallery) return;
  const items = () => [...gallery.querySelectorAll(".gallery__item")];

  // The colour's pictures first, in their order, then the others.
  const coloured = [...gallery.querySelectorAll("[data-gallery-colour]")];
  const end = coloured.at(-1)?.nextSibling;
  const key = (colour) => colour.trim().toLocaleLowerCase();

  function show(colour) {
    const chosen = coloured.find((item) => key(item.dataset.galleryColour) === key(colour));
    if (!chosen || chosen === gallery.firstElementChild) return;
    for (const item of coloured) gallery.insertBefore(item, end);
    if (chosen !== coloured[0]) gallery.insertBefore(chosen, coloured[0]);
    gallery.scrollTo?.({ left: 0 });
    count();
  }

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (input.matches?.("input[data-colour]") && input.checked) show(input.dataset.colour);
  });
  // A colour already chosen: a form the browser restored, or product.js's first choice.
  const chosen = document.querySelector("input[data-colour]:checked");
  if (chosen) show(chosen.dataset.colour);

  // "1 / 4": which picture the sideways scroll shows (on a wide screen they all show).
  const counter = document.createElement("p");
  counter.className = "gallery__count";
  counter.setAttribute("aria-hidden", "true");
  media.append(counter);
  function count() {
    const width = gallery.clientWidth || 1;
    const index = Math.min(items().length, Math.round(gallery.scrollLeft / width) + 1);
    counter.textContent = `${index} / ${items().length}`;
  }
  gallery.addEventListener("scroll", count, { passive: true });
  count();

  // The larger view: the widest rendition, over the page; Escape, the button or a tap
  // anywhere closes it, and the focus goes back to the picture.
  const dialog = document.createElement("dialog");
  dialog.className = "lightbox";
  dialog.setAttribute("aria-label", media.dataset.enlargeLabel || "");
  const close = document.createElement("button");
  close.type = "button";
  close.className = "lightbox__close button button--ghost";
  close.textContent = media.dataset.closeLabel || "×";
  const large = document.createElement("img");
  large.className = "lightbox__image";
  dialog.append(close, large);
  document.body.append(dialog);
  dialog.addEventListener("click", () => dialog.close());

  gallery.addEventListener("click", (event) => {
    const item = event.target.closest?.(".gallery__item");
    if (!item || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    const picture = item.querySelector("img");
    large.src = item.href;
    large.alt = picture?.alt || "";
    dialog.showModal();
    close.focus();
  });
})();
