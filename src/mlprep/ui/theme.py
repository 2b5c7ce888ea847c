"""Light and dark themes: the application palette, the style sheet and the card colours.

The mode (system / light / dark) comes from :class:`mlprep.core.display_settings.DisplaySettings`.
"System" follows ``QStyleHints.colorScheme()`` (Qt 6.5+) and is re-applied when the
system scheme changes; where the platform does not say (e.g. offscreen), light is used.
``resources/style.qss`` holds ``@name`` tokens that are filled in with the theme's colours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from mlprep.core.display_settings import ThemeMode
from mlprep.services.deck_loader import shipped_resources_dir


@dataclass(frozen=True)
class Theme:
    """One colour theme (``"#rrggbb"`` strings) and the Pygments style for code blocks."""

    name: str
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    border: str
    button_border: str
    header: str
    header_text: str
    hover: str
    accent: str
    accent_hover: str
    link: str
    code_inline: str
    warn_bg: str
    warn_border: str
    warn_text: str
    error: str
    code_style: str
    # Answer colours, legible as text on ``base``: the review counts (new, learn, due) and the
    # grade buttons' underlines (Again, Hard, Good; Easy uses the accent).
    new: str
    again: str
    hard: str
    good: str

    @property
    def dark(self) -> bool:
        return self.name == "dark"


LIGHT = Theme(
    name="light", window="#f6f7f9", base="#ffffff", alt_base="#fafbfc", text="#1f2933", muted="#52606d",
    border="#d9dee5", button_border="#c5ccd6", header="#eef1f5", header_text="#3e4c59", hover="#eef2f7",
    accent="#2f6fde", accent_hover="#2a62c4", link="#2459b8", code_inline="#eef0f3", warn_bg="#fff4e5",
    warn_border="#f0b429", warn_text="#8d2b0b", error="#c53030", code_style="default",
    new="#2f6fde", again="#d64545", hard="#c77c0e", good="#3f9142")
DARK = Theme(
    name="dark", window="#1b1e23", base="#23272e", alt_base="#272c33", text="#e4e7eb", muted="#9aa5b1",
    border="#3a414b", button_border="#4a525e", header="#2b3038", header_text="#c3cad3", hover="#2e343d",
    accent="#3d7be0", accent_hover="#4f8aeb", link="#79a8ff", code_inline="#343a44", warn_bg="#3b2f1c",
    warn_border="#a77b25", warn_text="#f5c26b", error="#f07171", code_style="github-dark",
    new="#79a8ff", again="#f07171", hard="#f0a742", good="#6cc070")

_TOKEN_RE = re.compile(r"@([a-z_]+)")

# HSL hues (degrees) of the six-grade gradient, red (blackout) to green (easy): closer together in the
# reds and ambers, wider in the greens, where the eye tells hues apart less well.
_GRADIENT_HUES = (0, 22, 40, 58, 92, 135)
_GRADIENT_SL = {"light": (0.66, 0.42), "dark": (0.72, 0.60)}  # (saturation, lightness): legible on ``base``


def grade_colours(theme: Theme, qualities: Sequence[int]) -> dict[int, str]:
    """Each grade button's colour, by SM-2 quality. Anki's four buttons (qualities 2–5) keep its colours:
    Again red, Hard amber, Good green, Easy the accent blue. SM-2's six grades (0–5) get a gradient from
    red to green in HSL hue at the theme's saturation and lightness, so every button has a colour and
    neighbouring grades look related. Returns ``"#rrggbb"`` strings."""
    if len(qualities) <= 4:
        named = {2: theme.again, 3: theme.hard, 4: theme.good, 5: theme.accent}
        return {q: named[q] for q in qualities}
    saturation, lightness = _GRADIENT_SL[theme.name]
    return {q: QColor.fromHslF(_GRADIENT_HUES[q] / 360, saturation, lightness).name() for q in qualities}


def system_is_dark() -> bool:
    """Whether the platform reports a dark colour scheme (False when it does not say)."""
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def resolve(mode: ThemeMode) -> Theme:
    """The theme a mode means now: ``SYSTEM`` asks the platform."""
    if mode is ThemeMode.DARK or (mode is ThemeMode.SYSTEM and system_is_dark()):
        return DARK
    return LIGHT


def palette(theme: Theme) -> QPalette:
    """A full QPalette for ``theme`` (widgets without style-sheet rules use it)."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window, QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.base, QPalette.ColorRole.AlternateBase: theme.alt_base,
        QPalette.ColorRole.Text: theme.text, QPalette.ColorRole.Button: theme.base,
        QPalette.ColorRole.ButtonText: theme.text, QPalette.ColorRole.Highlight: theme.accent,
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: theme.base,
        QPalette.ColorRole.ToolTipText: theme.text, QPalette.ColorRole.PlaceholderText: theme.muted,
        QPalette.ColorRole.Link: theme.link, QPalette.ColorRole.Mid: theme.border,
        QPalette.ColorRole.Midlight: theme.header, QPalette.ColorRole.Dark: theme.button_border,
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.muted))
    return pal


def style_sheet(theme: Theme) -> str:
    """``resources/style.qss`` with its ``@name`` tokens replaced by ``theme``'s colours
    (empty if the file is missing). Raises ``KeyError`` for an unknown token."""
    path: Path = shipped_resources_dir() / "style.qss"
    if not path.is_file():
        return ""
    values = {f.name: getattr(theme, f.name) for f in fields(Theme)}
    return _TOKEN_RE.sub(lambda m: values[m.group(1)], path.read_text(encoding="utf-8"))


def apply_theme(app: QApplication, mode: ThemeMode = ThemeMode.LIGHT) -> Theme:
    """Give ``app`` the palette and style sheet of the theme ``mode`` resolves to; return it."""
    theme = resolve(mode)
    app.setPalette(palette(theme))
    app.setStyleSheet(style_sheet(theme))
    return theme


def is_dark(widget: QWidget) -> bool:
    """True when ``widget``'s palette is a dark theme (window colour lightness < 128 of 255)."""
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128
