// The export page's column choice (templates/admin/import_export/export.html): the
// "select all" box ticks or clears every column, and follows them; only the columns
// of the chosen file kind show. Replaces the library's inline handlers, which the
// Content Security Policy refuses.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
    const all = document.querySelector("[data-select-all]");
    const resource = document.getElementById("id_resource");
    const rows = () => document.querySelectorAll("[data-resource-index]");

    function shownBoxes() {
        return [...rows()]
            .filter((row) => !row.hidden)
            .map((row) => row.querySelector("input[type=checkbox]"))
            .filter(Boolean);
    }

    function showResource() {
        const chosen = resource && resource.tagName === "SELECT" ? resource.value : "0";
        for (const row of rows()) {
            row.hidden = row.dataset.resourceIndex !== chosen;
        }
        follow();
    }

    function follow() {
        if (!all) {
            return;
        }
        const boxes = shownBoxes();
        const ticked = boxes.filter((box) => box.checked).length;
        all.checked = ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
    }

    if (all) {
        all.addEventListener("change", () => {
            for (const box of shownBoxes()) {
                box.checked = all.checked;
            }
            all.indeterminate = false;
        });
    }
    for (const row of rows()) {
        row.addEventListener("change", follow);
    }
    if (resource) {
        resource.addEventListener("input", showResource);
    }
    showResource();
});
