// Small enhancements; every page works without this file.
document.documentElement.classList.add("js");

// The phone menu is a <details> that opens and closes without this file.
// With it, Escape or a tap elsewhere folds the menu back, as people expect.
(() => {
  const menu = document.querySelector(".site-menu");
  if (!menu) return;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !menu.open) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
  document.addEventListener("click", (event) => {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
})();
