// Group sheets: after htmx swaps in a fresh entry row (or one with errors), put the cursor on
// the field marked autofocus, so that the next household can be typed straight away; only the
// household added last stays highlighted.
document.addEventListener("htmx:afterSettle", () => {
  const added = document.querySelectorAll("#household-rows .sheet-added");
  added.forEach((row, index) => {
    if (index < added.length - 1) row.classList.remove("sheet-added");
  });
  const field = document.querySelector("#fast-entry [autofocus]");
  if (field) field.focus();
});
