"""The switches of interactive work: idle thresholds, and the API details the documentation leaves open."""

from __future__ import annotations

import dataclasses

# Which close operation the server knows: "new" = closeNotebook only (current docs, Esri's client),
# "old" = close only (older docs), "both".
CLOSE_OPERATIONS = ("new", "old", "both")
# How a kernel session's path names its notebook: "item" = <itemId>.ipynb (Esri's samples),
# "free" = <title>.ipynb, which does not contain the item id (clients must fall back to the container).
SESSION_PATHS = ("item", "free")
# A container's dateCreated: epoch ms as a string (the documented syntax quotes it) or as a number.
DATE_CREATED_FORMATS = ("string", "number")


@dataclasses.dataclass(frozen=True)
class NotebookSettings:
    idle_notebook_threshold: float = 1440.0  # minutes without activity before an idle notebook closes
    container_created_threshold: float = 60.0  # minutes an empty container stays
    close_operations: str = "new"
    session_path: str = "item"
    next_start: bool = False  # add nextStart to admin/notebooks pages (-1 on the last)
    container_date_created: str = "string"
    read_only_blocks_close: bool = False  # READ_ONLY also refuses closeNotebook/close/terminateContainer

    def updated(self, changes: dict) -> NotebookSettings:
        """A copy with these changes, checked; unknown names and values are refused."""
        unknown = set(changes) - {field.name for field in dataclasses.fields(self)}
        if unknown:
            raise ValueError("unknown notebook settings: %s" % ", ".join(sorted(unknown)))
        values = dataclasses.asdict(self)
        for name, value in changes.items():
            if value is None:
                continue
            if name in ("idle_notebook_threshold", "container_created_threshold"):
                value = float(value)
                if value < 0:
                    raise ValueError("%s must not be negative" % name)
            elif name in ("next_start", "read_only_blocks_close"):
                value = value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on")
            else:
                value = str(value)
            values[name] = value
        settings = NotebookSettings(**values)
        for name, allowed in (("close_operations", CLOSE_OPERATIONS), ("session_path", SESSION_PATHS),
                              ("container_date_created", DATE_CREATED_FORMATS)):
            if getattr(settings, name) not in allowed:
                raise ValueError("%s must be one of %s" % (name, ", ".join(allowed)))
        return settings

    def describe(self) -> dict:
        return dataclasses.asdict(self)

    @property
    def idle_ms(self) -> int:
        return int(self.idle_notebook_threshold * 60_000)

    @property
    def empty_container_ms(self) -> int:
        return int(self.container_created_threshold * 60_000)
