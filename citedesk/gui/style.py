"""The colours and words the window uses for stances (the words of sections, relationships and publication types
are the facets', in citedesk.library.facets_builtin)."""

from __future__ import annotations

from PySide6.QtGui import QColor

from citedesk.model import Stance

# scite's convention: green supports, orange-red contrasts, grey-blue mentions, light grey unsure.
STANCE_COLORS = {
    Stance.SUPPORTING: QColor("#2e9d5b"),
    Stance.MENTIONING: QColor("#5b7db1"),
    Stance.CONTRASTING: QColor("#d9622b"),
    Stance.UNCLASSIFIED: QColor("#a6adb4"),
}
STANCE_LABELS = {
    Stance.SUPPORTING: "Supporting",
    Stance.MENTIONING: "Mentioning",
    Stance.CONTRASTING: "Contrasting",
    Stance.UNCLASSIFIED: "Unclassified",
}
