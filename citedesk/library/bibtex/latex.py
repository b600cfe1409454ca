"""Convert BibTeX/LaTeX markup to display Unicode and Unicode letters back to 7-bit LaTeX."""

from __future__ import annotations

import re
import unicodedata

# Accent macro -> combining character.
_COMBINING: dict[str, str] = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    "u": "\u0306",
    ".": "\u0307",
    '"': "\u0308",
    "r": "\u030a",
    "H": "\u030b",
    "v": "\u030c",
    "d": "\u0323",
    "c": "\u0327",
    "k": "\u0328",
    "b": "\u0331",
    "t": "\u0361",
}
# Accent macro with an empty argument, e.g. ``\~{}`` -> spacing form.
_SPACING: dict[str, str] = {
    "`": "`",
    "'": "\u00b4",
    "^": "^",
    "~": "~",
    "=": "\u00af",
    "u": "\u02d8",
    ".": "\u02d9",
    '"': "\u00a8",
    "r": "\u02da",
    "H": "\u02dd",
    "v": "\u02c7",
    "c": "\u00b8",
    "k": "\u02db",
}
_LETTERS: dict[str, str] = {
    "ss": "ß",
    "SS": "SS",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "ng": "ŋ",
    "NG": "Ŋ",
    "dj": "đ",
    "DJ": "Đ",
}
_TEXT_MACROS: dict[str, str] = {
    "textendash": "–",
    "textemdash": "—",
    "textquoteright": "’",
    "textquoteleft": "‘",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "ldots": "…",
    "dots": "…",
    "textellipsis": "…",
    "cdots": "⋯",
    "textregistered": "®",
    "copyright": "©",
    "textcopyright": "©",
    "texttrademark": "™",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textbackslash": "\\",
    "textunderscore": "_",
    "textbar": "|",
    "textless": "<",
    "textgreater": ">",
    "S": "§",
    "P": "¶",
    "pounds": "£",
    "euro": "€",
    "textdegree": "°",
    "textbullet": "•",
    "slash": "/",
    "hyphen": "-",  # biblatex's breakable hyphen
    "guillemotleft": "«",
    "guillemotright": "»",
    "quad": " ",
    "qquad": " ",
    "thinspace": "\u2009",
    "dash": "—",
    "Dash": "—",
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "BibTeX": "BibTeX",
}
_MATH_MACROS: dict[str, str] = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ϵ",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "vartheta": "ϑ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "varpi": "ϖ",
    "rho": "ρ",
    "varrho": "ϱ",
    "sigma": "σ",
    "varsigma": "ς",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "ϕ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Upsilon": "Υ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
    "times": "×",
    "pm": "±",
    "mp": "∓",
    "div": "÷",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "ne": "≠",
    "approx": "≈",
    "rightarrow": "→",
    "to": "→",
    "leftarrow": "←",
    "Rightarrow": "⇒",
    "leftrightarrow": "↔",
    "infty": "∞",
    "sim": "∼",
    "cdot": "·",
    "circ": "∘",
    "partial": "∂",
    "nabla": "∇",
    "in": "∈",
    "ell": "ℓ",
    "sum": "∑",
    "prod": "∏",
    "int": "∫",
    "sqrt": "√",
    "prime": "′",
}
_TEXT_WORDS: dict[str, str] = {**_LETTERS, **_TEXT_MACROS}
# Commands whose argument is shown as is; the command itself disappears.
_FORMATTING = frozenset(
    {
        "emph",
        "textit",
        "textbf",
        "textsc",
        "texttt",
        "textrm",
        "textsf",
        "textsl",
        "textup",
        "textmd",
        "textnormal",
        "text",
        "mathrm",
        "mathit",
        "mathbf",
        "mathsf",
        "mathtt",
        "mathcal",
        "mathbb",
        "mbox",
        "hbox",
        "textsuperscript",
        "textsubscript",
        "ensuremath",
        "NoCaseChange",
        "em",
        "bf",
        "it",
        "sc",
        "tt",
        "rm",
        "sf",
        "sl",
        "itshape",
        "bfseries",
        "scshape",
        "ttfamily",
        "rmfamily",
        "sffamily",
        "upshape",
        "normalfont",
        "relax",
        "protect",
        "tiny",
        "scriptsize",
        "footnotesize",
        "small",
        "normalsize",
        "large",
        "Large",
        "huge",
        "Huge",
    }
)
_CONTROL_SYMBOLS: dict[str, str] = {
    ",": "\u2009",
    " ": " ",
    "\\": " ",
    "-": "",
    "/": "",
    "@": "",
    "\n": " ",
}

# An escaped backslash ``\\`` is matched (and kept) so ``\\"`` is not read as an accent.
_ACCENT = re.compile(
    r"""\\\\
      | \\(?P<cmd>["'^`~=.]|[uvHckrdbt](?![A-Za-z]))
        (?: \s*\{\s*(?P<braced>\\[ij](?![A-Za-z])|[^\W\d_]{1,2})\s*\}
          | \s*(?P<bare>\\[ij](?![A-Za-z])|[^\W\d_]) )""",
    re.VERBOSE,
)
# Everything else, in one left-to-right pass so that ``\$`` or ``\{`` is never re-read.
_MARKUP = re.compile(
    r"""\\(?:url|path)\s*\{(?P<verbatim>[^{}]*)\}
      | \\(?:href|noopsort)\s*\{[^{}]*\}
      | \\(?P<spacing>["'^`~=.]|[uvHckrdbt](?![A-Za-z]))\s*\{\s*\}
      | \\(?P<word>[A-Za-z]+)(?P<space>\s*)
      | \\(?P<symbol>.?)
      | -{2,3} | `` | '' | ~ | [{}$]""",
    re.VERBOSE | re.DOTALL,
)
_PUNCTUATION: dict[str, str] = {
    "``": "“",
    "''": "”",
    "~": "\u00a0",
    "--": "–",
    "---": "—",
    "{": "",
    "}": "",
    "$": "",
}
_LATEX_SYNTAX = re.compile(r"[\\{}$~]|--|``|''")
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")

# Tables for unicode_to_latex.
_LETTER_MACROS: dict[str, str] = {char: f"{{\\{name}}}" for name, char in _LETTERS.items() if name != "SS"}
_PUNCTUATION_MACROS: dict[str, str] = {
    "\u00a0": "~",
    "–": "--",
    "—": "---",
    "“": "``",
    "”": "''",
    "‘": "`",
    "’": "'",
    "…": "{\\ldots}",
    "§": "{\\S}",
    "¶": "{\\P}",
    "£": "{\\pounds}",
    "©": "{\\copyright}",
    "®": "{\\textregistered}",
}
_ACCENT_MACROS: dict[str, str] = {mark: command for command, mark in _COMBINING.items()}
_MARKS_BELOW = frozenset("\u0323\u0327\u0328\u0331")
_DOTLESS: dict[str, str] = {"i": "\\i", "j": "\\j"}
_DOTTED: dict[str, str] = {macro: letter for letter, macro in _DOTLESS.items()}


def latex_to_unicode(text: str) -> str:
    """Render a LaTeX-encoded BibTeX value as plain NFC Unicode for display.

    Unknown macros lose their backslash: ``\\foo`` shows as ``foo``, while
    ``\\foo{bar}`` shows only its argument ``bar``.
    """
    if text.isascii() and not _LATEX_SYNTAX.search(text):
        return " ".join(text.split())
    decoded = _MARKUP.sub(_replace_markup, _resolve_accents(text))
    collapsed = _ASCII_SPACE.sub(" ", decoded).strip(" ")
    return unicodedata.normalize("NFC", collapsed)


def _resolve_accents(text: str) -> str:
    """Replace accent macros until none is left; inner accents go first."""
    while True:
        resolved = _ACCENT.sub(_replace_accent, text)
        if resolved == text:
            return text
        text = resolved


def _replace_accent(match: re.Match[str]) -> str:
    command = match["cmd"]
    if command is None:
        return match[0]
    argument = match["braced"] or match["bare"]
    base = _DOTTED.get(argument, argument)
    return unicodedata.normalize("NFC", base[0] + _COMBINING[command] + base[1:])


def _replace_markup(match: re.Match[str]) -> str:
    if match["verbatim"] is not None:
        return match["verbatim"]
    if match["spacing"] is not None:
        return _SPACING.get(match["spacing"], "")
    if match["word"] is not None:
        return _replace_word(match)
    if match["symbol"] is not None:
        return _CONTROL_SYMBOLS.get(match["symbol"], match["symbol"])
    return _PUNCTUATION.get(match[0], "")


def _replace_word(match: re.Match[str]) -> str:
    """Translate a control word; as in TeX, known text macros swallow the space after them.

    Math symbols and unknown macros keep that space, which reads better on screen.
    """
    name, space = match["word"], match["space"]
    if name in _TEXT_WORDS:
        return _TEXT_WORDS[name]
    if name in _FORMATTING:
        return ""
    if name in _MATH_MACROS:
        return _MATH_MACROS[name] + space
    rest = match.string[match.end() :]
    takes_argument = rest.startswith("{") and not rest.startswith("{}")
    return "" if takes_argument else name + space


def unicode_to_latex(text: str) -> str:
    """Encode non-ASCII letters as BibTeX accent macros, leaving ASCII untouched."""
    return "".join(_encode_char(char) for char in unicodedata.normalize("NFC", text))


def _encode_char(char: str) -> str:
    if char.isascii():
        return char
    known = _LETTER_MACROS.get(char) or _PUNCTUATION_MACROS.get(char)
    return known or _encode_accented(char) or char


def _encode_accented(char: str) -> str | None:
    """Build ``{\\"o}``-style LaTeX for an accented Latin letter, or None."""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or not base.isascii() or not base.isalpha():
        return None
    if any(mark not in _ACCENT_MACROS for mark in marks):
        return None
    latex = base if marks[0] in _MARKS_BELOW else _DOTLESS.get(base, base)
    for mark in marks:
        latex = _wrap_accent(_ACCENT_MACROS[mark], latex)
    return "{" + latex + "}"


def _wrap_accent(command: str, inner: str) -> str:
    if command.isalpha() or (len(inner) > 1 and inner not in _DOTTED):
        return f"\\{command}{{{inner}}}"
    return f"\\{command}{inner}"
