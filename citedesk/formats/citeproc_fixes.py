"""Where citeproc-py (0.11) departs from the CSL 1.0.2 specification in ways a reference shows, put right.

Each fix replaces one method of citeproc-py's model, keeps its behaviour otherwise, and is tested on the
reference it mends (tests/formats/test_references.py); `install` applies them once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from citeproc import model
from citeproc.source import VariableError

_installed = False


def install() -> None:
    """Apply the fixes (once)."""
    global _installed
    if not _installed:
        _repress_substituted_macros()
        _labels_only_with_their_variable()
        _numbers_repressed_too()
        _terms_cased_in_the_locales_language()
        _installed = True


def _repress_substituted_macros() -> None:
    """CSL: a variable rendered in place of a missing author (`cs:substitute`) is not rendered again. citeproc-py
    (0.11) represses it only when the substitute names the variable itself, not through a macro as APA's
    title macro does, so an item without authors read "A title. (n.d.). A title." (citeproc-py issue #91).
    Here a substituted macro's variables whose values the substitute rendered are repressed too."""
    original_render = model.Substitute.render
    original_add = model.Substitute.add_to_repressed_list

    def add_to_repressed_list(self: Any, child: Any, context: Any) -> None:
        original_add(self, child, context)
        self.citedesk_substituted = child

    def render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        self.citedesk_substituted = None
        text = original_render(self, item, context=context, **kwargs)
        child = self.citedesk_substituted
        if text and child is not None and child.get("macro") is not None:
            _repress_rendered(child, item, str(text), context)
        return text

    model.Substitute.add_to_repressed_list = add_to_repressed_list
    model.Substitute.render = render


def _repress_rendered(child: Any, item: Any, text: str, context: Any) -> None:
    layout = context.get_layout()
    for element in _macro_variables(child):
        variable = element.get("variable")
        try:
            value = item.reference[variable.replace("-", "_")]
        except (VariableError, KeyError):
            continue
        if value is not None and str(value) and str(value).casefold() in text.casefold():  # as the style cased it
            layout.repressed.setdefault(element.tag, []).append(variable)


def _macro_variables(element: Any, seen: frozenset[str] = frozenset()) -> Iterator[Any]:
    """The elements that render a variable in a macro an element calls, through the macros it calls in turn."""
    name = element.get("macro")
    if name is None or name in seen:
        return
    macro = element.get_macro(name)
    for inner in macro.iter():
        if inner.get("variable") is not None:
            yield inner
        if inner is not macro and inner.get("macro") is not None:
            yield from _macro_variables(inner, seen | {name})


def _labels_only_with_their_variable() -> None:
    """CSL: a `cs:label` is rendered only when its variable is not empty. citeproc-py renders the term anyway,
    so Chicago gave a paper without an edition "... n.d. Edition." """
    original = model.Label.process

    def process(self: Any, item: Any, variable: str | None = None, *args: Any, **kwargs: Any) -> Any:
        name = variable if variable is not None else self.get("variable")
        if name and _repressed(self, name, kwargs.get("context")):
            return None
        if name and name != "locator" and not name.startswith("number-of"):
            try:
                value = item.reference[name.replace("-", "_")]
            except VariableError:
                return None
            if not value:
                return None
        return original(self, item, variable, *args, **kwargs)

    model.Label.process = process


def _numbers_repressed_too() -> None:
    """A variable a substitute rendered is not rendered again by a `cs:number` either (citeproc-py checks only
    `cs:text`): APA gave a book without authors "A book (2nd ed.). (n.d.). (2nd ed.)"."""
    original = model.Number.process

    def process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        if _repressed(self, self.get("variable"), context):
            return None
        return original(self, item, context=context, **kwargs)

    model.Number.process = process


def _repressed(element: Any, variable: str | None, context: Any) -> bool:
    """Whether a substitute has already rendered this variable in the reference being rendered."""
    try:
        repressed = (context if context is not None else element).get_layout().repressed
    except (AttributeError, IndexError):
        return False
    return any(variable in names for names in repressed.values())


def _terms_cased_in_the_locales_language() -> None:
    """A label is a term of the style's locale, so it is in that language: citeproc-py cased it as if in no
    language, and skipped the title case English asks for, so APA gave an editor "(ed.)", not "(Ed.)"."""
    original = model.TextCased.case

    def case(self: Any, text: Any, language: str | None = None) -> Any:
        if language is None:
            language = (self.get_root().get("default-locale") or "en-US")[:2]
        return original(self, text, language)

    model.TextCased.case = case
