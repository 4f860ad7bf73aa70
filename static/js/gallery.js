// Product gallery: choosing a variant brings the picture of its colour to the front.
// Without this file every picture shows, the cover first, and nothing moves.
(() => {
  const pictures = [...document.querySelectorAll("[data-gallery-colour]")];
  if (pictures.length < 2) return;
  const gallery = pictures[0].parentElement;
  // The node after the last picture: the pictures are put back before it in their order.
  const end = pictures.at(-1).nextSibling;
  const key = (colour) => colour.trim().toLocaleLowerCase();

  function show(colour) {
    const chosen = pictures.find((picture) => key(picture.dataset.galleryColour) === key(colour));
    if (!chosen || chosen === gallery.firstElementChild) return;
    for (const picture of pictures) gallery.insertBefore(picture, end);
    if (chosen !== pictures[0]) gallery.insertBefore(chosen, pictures[0]);
    gallery.scrollTo?.({ left: 0 });
  }

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (input.matches?.("input[data-colour]") && input.checked) show(input.dataset.colour);
  });
  // A form the browser restored (back button) may already have a colour chosen.
  const chosen = document.querySelector("input[data-colour]:checked");
  if (chosen) show(chosen.dataset.colour);
})();
