"""One chart of a dashboard: its numbers (the table under it and its CSV) and what
ECharts draws from them."""

from __future__ import annotations

from dataclasses import dataclass, field


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
