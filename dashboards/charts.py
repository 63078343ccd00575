"""One chart of a dashboard: its numbers (the table under it and its CSV) and what
ECharts draws from them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

EMPTY = "—"  # a figure that is not there (nothing due, not scored)


@dataclass
class Chart:
    """One chart's numbers: the table under it, its CSV, and what ECharts draws."""

    name: str
    title: str
    columns: list[str]
    rows: list[list]
    links: list[int | None] = field(default_factory=list)  # per row: the node a click opens
    spec: dict = field(default_factory=dict)

    def table(self) -> list[tuple[int | None, list]]:
        """(the node a row opens, its cells) for the HTML table."""
        links = self.links or [None] * len(self.rows)
        return list(zip(links, self.rows, strict=True))

    def data(self) -> dict:
        return {"columns": self.columns, "rows": self.rows, "links": self.links, "spec": self.spec}

    def rows_html(self, cockpit: bool = False) -> SafeString:
        """The table's body rows, the first cell a drill-down link where the row opens a
        node. Built here rather than in a template loop: a county's tables have thousands
        of cells, and the template engine spends ~60 ms on them."""
        suffix = "&amp;cockpit=1" if cockpit else ""
        out = []
        for link, cells in self.table():
            tds = []
            for i, cell in enumerate(cells):
                text = EMPTY if cell is None else escape(cell)
                if i == 0 and link:
                    tds.append(f'<td><a href="?node={int(link)}{suffix}" data-drill="{int(link)}">{text}</a></td>')
                else:
                    tds.append(f"<td>{text}</td>")
            out.append(f"<tr>{''.join(tds)}</tr>")
        if not out:
            out.append(
                format_html(
                    '<tr><td colspan="{}" class="text-muted">{}</td></tr>', len(self.columns), _("Nothing to show.")
                )
            )
        return mark_safe("\n".join(out))  # noqa: S308 - every cell is escaped above

    def rows_html_cockpit(self) -> SafeString:
        return self.rows_html(cockpit=True)
