// Matrix page: clicking (or pressing Enter on) a cell asks /api/matrix/cell for its documents and
// quotes and shows them below the table. The page itself carries counts only: with every cell's
// quotes, the country's instrument matrix was 78 MB of HTML.
document.addEventListener("DOMContentLoaded", () => {
  const detail = document.getElementById("cell-detail");
  const table = document.querySelector("table.matrix");
  if (!detail || !table) return;

  const el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  };

  // the row's municipality and the column's concept: the cells themselves carry only their count
  const column = (cell) => table.tHead.rows[0].cells[cell.cellIndex];
  const rowLabel = (cell) => cell.parentElement.querySelector("th").textContent.trim();
  const label = (cell) => `${rowLabel(cell)} × ${column(cell).textContent.trim()}`;

  const render = (cell, answer) => {
    const data = answer.cell;
    const head = el("p");
    head.append(el("b", label(cell)));
    if (data.status) head.append(` — status: ${data.status}`);
    if (data.via && data.via.length) head.append(` — via ${data.via.join(", ")}`);
    const list = el("ul");
    for (const quote of data.evidence) {
      const item = el("li");
      item.append(el("q", quote.text), " ");
      item.append(el("span", [quote.file, quote.section].filter(Boolean).join(" · "), "where"));
      list.append(item);
    }
    const parts = [head, list];
    if (data.evidence_count > data.evidence.length) {
      parts.push(el("p", `+${data.evidence_count - data.evidence.length} meer`));
    }
    detail.replaceChildren(...parts);
  };

  const show = async (cell) => {
    const params = new URLSearchParams({
      kind: table.dataset.kind,
      concept: column(cell).dataset.concept,
      municipality: cell.parentElement.dataset.municipality,
      used_only: table.dataset.usedOnly,
    });
    if (table.dataset.theme) params.set("theme", table.dataset.theme);
    if (table.dataset.period) params.set("period", table.dataset.period);
    detail.replaceChildren(el("p", "Bewijs wordt opgehaald …"));
    try {
      const response = await fetch(`/api/matrix/cell?${params}`);
      const answer = await response.json();
      if (!response.ok) throw new Error((answer.error && answer.error.message) || response.statusText);
      render(cell, answer);
    } catch (error) {
      detail.replaceChildren(el("p", `Het bewijs kon niet worden opgehaald: ${error.message}`, "cmp-error"));
    }
  };

  table.querySelectorAll("td.cell:not(.empty)").forEach((cell) => {
    cell.addEventListener("click", () => show(cell));
    cell.addEventListener("keydown", (event) => { if (event.key === "Enter") show(cell); });
  });
});
