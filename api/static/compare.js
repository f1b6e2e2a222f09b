// Matrix page: clicking (or pressing Enter on) a cell shows its evidence below the table.
document.addEventListener("DOMContentLoaded", () => {
  const detail = document.getElementById("cell-detail");
  if (!detail) return;
  const show = (cell) => {
    const evidence = cell.querySelector(".cell-evidence");
    if (evidence) detail.innerHTML = evidence.innerHTML;
  };
  document.querySelectorAll("td.cell:not(.empty)").forEach((cell) => {
    cell.addEventListener("click", () => show(cell));
    cell.addEventListener("keydown", (event) => { if (event.key === "Enter") show(cell); });
  });
});
