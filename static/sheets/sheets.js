// Group sheets: after htmx swaps in a fresh entry row (or one with errors), put the cursor on
// the field marked autofocus, so that the next household can be typed straight away; only the
// household added last stays highlighted. Other swaps on the page (the notifications badge
// loads after the page) leave the cursor where the clerk is typing.
document.addEventListener("htmx:afterSettle", (event) => {
  const added = document.querySelectorAll("#household-rows .sheet-added");
  added.forEach((row, index) => {
    if (index < added.length - 1) row.classList.remove("sheet-added");
  });
  const entry = document.getElementById("fast-entry");
  if (!entry || !(event.target instanceof Node) || !entry.contains(event.target)) return;
  const field = entry.querySelector("[autofocus]");
  if (field) field.focus();
});

// Commitment sheet: "Tick all" / "Clear all" under a kind's heading sets that column's boxes of
// the households still living in the group (a moved-away household is ticked one by one).
// Nothing is saved until the sheet is: the boxes only change on the page.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-sheet-column]");
  if (!button) return;
  const table = button.closest("table");
  const tick = button.dataset.sheetTick === "1";
  const kind = button.dataset.sheetColumn;
  table.querySelectorAll(`input[name="signed"][data-kind="${CSS.escape(kind)}"]`).forEach((box) => {
    if (tick && box.dataset.moved) return;
    box.checked = tick;
  });
});
