"""What every filter of the statements pane is: a name, a label, and how to get its values from a statement."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class Facet:
    """One filter of the statements pane. `values` gives a statement's values for it (a statement matches
    when one of them is chosen; a statement item is a `citedesk.library.statement_view.Item`); `label_of` says
    how a value reads in the filter's menu. Registered through the `citedesk_statement_facets` hook; the pane
    builds its filter buttons from the registered facets, in `order`."""

    api_version: ClassVar[int] = 1
    name: str  # "section": the key of the filter
    label: str  # "Section": what the filter's button says
    values: Callable[[Any], tuple[Hashable, ...]]  # a statement item -> its values for this facet
    label_of: Callable[[Any], str] = str
    order: int = 100  # where the button goes among the others (lower first)
    of_work: bool = False  # the values come from the statement's work alone: worked out once per work
    listed: tuple[Hashable, ...] = ()  # the order the menu lists values in; by count (most first) when empty
    find_hint: str = ""  # a facet of many values: its menu lists the most frequent and has a find line
