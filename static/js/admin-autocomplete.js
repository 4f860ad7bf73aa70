// Names for Django's autocomplete boxes (Select2), which a screen reader would
// otherwise meet unnamed: the box is named by the field's label and the choice
// it shows, and the search box it opens by the label alone.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
    const $ = window.django && window.django.jQuery;
    if (!$) {
        return; // a page without the admin's jQuery has no autocomplete
    }

    function labelOf(select) {
        return document.querySelector(`label[for="${select.id}"]`);
    }

    // After autocomplete.js, which sets the boxes up when the document is ready.
    $(() => {
        for (const select of document.querySelectorAll("select.admin-autocomplete")) {
            const shown = document.getElementById(`select2-${select.id}-container`);
            const label = labelOf(select);
            if (!shown || !label) {
                continue;
            }
            // A read-only "textbox" inside the combobox, with no name of its own.
            shown.removeAttribute("role");
            shown.removeAttribute("aria-readonly");
            label.id ||= `${select.id}-label`;
            shown.closest(".select2-selection").setAttribute("aria-labelledby", `${label.id} ${shown.id}`);
        }
    });

    function comboboxOf(select) {
        const shown = document.getElementById(`select2-${select.id}-container`);
        return shown && shown.closest(".select2-selection");
    }

    $(document).on("select2:open", (event) => {
        const label = labelOf(event.target);
        const search = document.querySelector(".select2-container--open .select2-search__field");
        if (label && search) {
            search.setAttribute("aria-label", label.textContent.replace(/\s*:\s*$/, "").trim());
        }
        // An open combobox names the list it controls (Select2 only says it owns it).
        comboboxOf(event.target)?.setAttribute("aria-controls", `select2-${event.target.id}-results`);
    });

    $(document).on("select2:close", (event) => {
        comboboxOf(event.target)?.removeAttribute("aria-controls");
    });
});
