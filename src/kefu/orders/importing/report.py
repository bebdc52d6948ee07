"""What one import did: rows read, orders created/updated/unchanged, the bad rows by line."""

from collections.abc import Callable
from dataclasses import dataclass, field

MAX_REPORTED_ERRORS = 500

Progress = Callable[[int], None]  # called with the bytes of the file read so far


@dataclass
class ImportReport:
    kind: str = "orders"
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    lines: int = 0
    error_count: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    # the buyers' profiles: the member names of the orders the import changed (refreshed from the
    # table after the load; a bulk load counts every profile again instead), what it did to them
    buyers: set[str] = field(default_factory=set, repr=False)
    without_buyer: int = 0
    # the member names of the orders the import created: added to their profiles batch by batch
    buyers_added: set[str] = field(default_factory=set, repr=False)
    customers_created: int = 0
    customers_updated: int = 0
    # where the import's time went, wall and CPU seconds by phase (store, profiles per batch,
    # profiles after the load), for the benchmark and the import's log
    timings: dict[str, float] = field(default_factory=dict, repr=False)

    def timed(self, phase: str, wall: float, cpu: float) -> None:
        self.timings[f"{phase}_s"] = round(self.timings.get(f"{phase}_s", 0.0) + wall, 3)
        self.timings[f"{phase}_cpu_s"] = round(self.timings.get(f"{phase}_cpu_s", 0.0) + cpu, 3)

    def error(self, line: int, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((line, reason))

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "stale": self.stale,
            "lines": self.lines,
            "error_count": self.error_count,
            "without_buyer": self.without_buyer,
            "customers_created": self.customers_created,
            "customers_updated": self.customers_updated,
            "errors": [{"line": line, "reason": reason} for line, reason in self.errors],
        }
