"""LaTeX -> crisp QImage through ziamath (pure Python, ships STIX Two Math: no TeX install,
no browser engine), cached.

ziamath writes SVG 1.1 paths (``config.svg2 = False``: Qt's SVG renderer cannot draw
``<symbol>/<use>``), which QtSvg paints into an image at twice the device-independent
size, so formulas stay sharp on high-DPI screens.

Inline formulas share the text's baseline. Qt draws an image with ``vertical-align: middle``
centred in its *line box*: it counts the image as reaching ``(height ± x/2) / 2`` above and below
the baseline (``x`` the x-height of the font around the image), then centres every such image in
the line's ascent + descent, so on a line with a tall fraction a small formula sank below the
text (issue 17, item 8). :func:`inline_metrics` picks a font size for the image's own span whose
``x / 4`` equals the centre of the text's line box, ``(ascent - descent) / 2``: then the text, every
image and so the line box share one centre, wherever the line breaks, and each formula is padded
so that its baseline lies :attr:`InlineMetrics.middle` below the image's centre. Measured on
Qt 6.12 (``tests/ui/test_card_render.py`` checks the feet of the letters on such a line).

A minus or plus right after an opening delimiter, a comma, a relation or at the start of a line is
a sign (TeX makes a binary operator there an ordinary atom, The TeXbook ch. 18, rule 5): ziamath
spaces it as a subtraction (``[−1, 1]`` came out ``[ − 1, 1]``), so :func:`unary_signs` braces it.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QFontMetricsF, QGuiApplication, QImage, QPainter

AXIS_HEIGHT_EM = 0.258  # STIX Two Math MATH table: AxisHeight 258 / 1000 units per em
MATH_SCALE = 1.12  # math px per text px: STIX Two's x-height is smaller than the UI font's
DEVICE_PIXEL_RATIO = 2.0
MAX_PIXELS = 4_000 * 1_000  # refuse absurd formulas rather than allocate huge images
CACHE_VERSION = 2  # bump when the typesetting changes, so old cached images are not reused
_VIEWBOX_RE = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')
_SIGN_AFTER = (r"(?:\\left\s*)?(?:\(|\[|\\\{|\\langle(?![A-Za-z])|\\lbrace(?![A-Za-z])|\\lbrack(?![A-Za-z]))"
               r"|[,;:=<>&]|\\\\"
               r"|\\(?:leq?|geq?|neq?|in|notin|to|mapsto|approx|sim|simeq|equiv|propto|ll|gg|subset|subseteq)"
               r"(?![A-Za-z])")
_SIGN_RE = re.compile(rf"(^|{_SIGN_AFTER})(\s*)([-+])(?![-+=])")
_TEXT_RE = re.compile(r"(\\text\s*\{[^{}]*\})")


def unary_signs(tex: str) -> str:
    """``tex`` with each ``-`` or ``+`` that is a sign braced (``[-1, 1]`` -> ``[{-}1, 1]``): one at the
    start, or after ``(``, ``[``, ``\\{``, ``\\langle`` (with or without ``\\left``), a comma,
    semicolon, colon, ``&``, ``\\\\`` or a relation (``=``, ``<``, ``\\le``, ``\\in``, ``\\to`` ...).
    ``\\text{...}`` is left alone."""
    parts = _TEXT_RE.split(tex)
    return "".join(part if i % 2 else _SIGN_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{{{m.group(3)}}}", part)
                   for i, part in enumerate(parts))


@dataclass(frozen=True)
class InlineMetrics:
    """How an inline formula sits on a line of text ``px`` pixels high (see the module docstring):
    the font size (px) of the span around its image, and ``middle``, the height (px) above the text's
    baseline at which Qt puts the image's vertical centre."""

    span_px: int
    middle: float


@functools.lru_cache(maxsize=64)
def inline_metrics(text_px: int) -> InlineMetrics | None:
    """:class:`InlineMetrics` for text of ``text_px`` pixels in the application's font; ``None``
    without a ``QGuiApplication`` (no fonts to measure)."""
    if QGuiApplication.instance() is None:
        return None
    font = QFont(QGuiApplication.font())
    font.setPixelSize(max(1, text_px))
    metrics = QFontMetricsF(font)
    centre = (metrics.ascent() - metrics.descent()) / 2  # of the text's line box, above the baseline

    def x_height(size: int) -> int:  # Qt reads it through an integer QFontMetrics
        font.setPixelSize(size)
        return QFontMetrics(font).xHeight()

    best = min(range(1, 8 * max(1, text_px)), key=lambda size: abs(x_height(size) / 4 - centre))
    return InlineMetrics(best, x_height(best) / 4)


def inline_middle(px: float) -> float:
    """The height above the baseline (px) at which an inline formula typeset at ``px`` (math px,
    :data:`MATH_SCALE` times the text's) has its image's centre; without fonts to measure, the
    math axis."""
    found = inline_metrics(round(px / MATH_SCALE))
    return AXIS_HEIGHT_EM * px if found is None else found.middle


class MathError(ValueError):
    """A formula that cannot be typeset; ``str()`` says why."""


@dataclass(frozen=True)
class MathImage:
    """A typeset formula: the image (device pixel ratio 2) and its size in
    device-independent pixels."""

    image: QImage
    width: float
    height: float


_import_lock = threading.Lock()
_loaded: Any = None
_preloader: threading.Thread | None = None
_warmed = False  # the preload thread has finished (_preload)


def _ziamath() -> Any:
    """Import ziamath on first use (it loads its math font: ~0.1-0.2 s), never at start-up. Safe from any
    thread: a caller that comes while :func:`preload` is importing waits for the whole module."""
    global _loaded
    if _loaded is not None:
        return _loaded
    with _import_lock:
        if _loaded is None:
            with warnings.catch_warnings():  # ziamath 0.13 finds its font with a deprecated importlib call
                warnings.simplefilter("ignore", DeprecationWarning)
                import ziamath

            ziamath.config.svg2 = False  # type: ignore[attr-defined]  # ziamath exports config untyped
            _loaded = ziamath
    return _loaded


def _preload() -> None:
    """The worker thread's work: import ziamath, then the LaTeX checker (latex2mathml, ~50 ms) and typeset
    one formula (ziamath reads its font's tables on first use), all of which the first formula typeset
    on the UI thread would otherwise pay."""
    global _warmed
    try:
        ziamath = _ziamath()
        from mlprep.core.latex_check import latex_problem

        latex_problem("x^2")
        ziamath.Latex("x^2+\\frac{a}{b}", size=16, color="#000000", inline=True).svg()
    finally:
        _warmed = True


def preload() -> None:
    """Start importing ziamath on a worker thread (once), so that the first formula typeset on the UI
    thread does not stop the event loop for the import (~0.17 s on these machines: issue 13, item 3), nor
    for the first formula's extra work (:func:`_preload`)."""
    global _preloader
    if _preloader is None and _loaded is None:
        _preloader = threading.Thread(target=_preload, name="mlprep-ziamath-import", daemon=True)
        _preloader.start()


def typesetter_ready() -> bool:
    """True when ziamath is imported (and, after :func:`preload`, warmed), so typesetting costs only the formula
    itself."""
    return _loaded is not None and (_preloader is None or _warmed)


class MathTypesetter:
    """Typesets formulas and keeps them: in memory, and as PNG files in ``cache_dir`` (if
    given) so a formula is typeset once per size, not once per session. A formula is typeset
    in black and tinted to the wanted colour, so a theme switch costs no typesetting.
    """

    def __init__(self, cache_dir: Path | None = None, memory_items: int = 4096) -> None:
        self.cache_dir = cache_dir
        self._masks: OrderedDict[tuple[str, bool, float], QImage] = OrderedDict()
        self._tinted: OrderedDict[tuple[str, bool, float, str], MathImage] = OrderedDict()
        self._memory_items = memory_items
        self.typeset_count = 0  # formulas typeset by ziamath (not found in a cache)

    def render(self, tex: str, *, display: bool, px: float, color: str) -> MathImage:
        """Typeset ``tex`` at a font size of ``px`` device-independent pixels in ``color``
        (``"#rrggbb"``). Raises :class:`MathError` if the LaTeX does not parse or typeset."""
        px = round(px, 1)
        key = (tex, display, px, color)
        found = self._tinted.get(key)
        if found is not None:
            self._tinted.move_to_end(key)
            return found
        mask = self._mask(tex, display, px)
        image = mask.copy()
        painter = QPainter(image)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(image.rect(), QColor(color))
        painter.end()
        image.setDevicePixelRatio(DEVICE_PIXEL_RATIO)
        result = MathImage(image, image.width() / DEVICE_PIXEL_RATIO, image.height() / DEVICE_PIXEL_RATIO)
        _remember(self._tinted, key, result, self._memory_items)
        return result

    def has(self, tex: str, *, display: bool, px: float) -> bool:
        """Whether ``tex`` at ``px`` is typeset already: in memory, or (with a cache folder) on disk. Costs a
        dictionary look-up, or a file's ``stat``."""
        px = round(px, 1)
        if (tex, display, px) in self._masks:
            return True
        file = self._file(tex, display, px)
        return file is not None and file.is_file()

    def warm(self, tex: str, *, display: bool, px: float) -> None:
        """Make sure ``tex`` at ``px`` is in the disk cache (or, without one, in memory);
        cheap when it already is. Raises :class:`MathError` like :meth:`render`."""
        px = round(px, 1)
        file = self._file(tex, display, px)
        if (tex, display, px) in self._masks or (file is not None and file.is_file()):
            return
        self._mask(tex, display, px)

    def _mask(self, tex: str, display: bool, px: float) -> QImage:
        key = (tex, display, px)
        mask = self._masks.get(key)
        if mask is not None:
            return mask
        file = self._file(tex, display, px)
        if file is not None and file.is_file():
            # A PNG reads back as plain ARGB32: tinted in that format thin strokes lost pixels (θ's bar).
            mask = QImage(str(file)).convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        if mask is None or mask.isNull():
            mask = _typeset(tex, display=display, px=px)
            self.typeset_count += 1
            if file is not None:
                file.parent.mkdir(parents=True, exist_ok=True)
                mask.save(str(file), "PNG")  # type: ignore[call-overload]  # PySide6's stub says bytes; the binding takes str
        _remember(self._masks, key, mask, self._memory_items)
        return mask

    def _file(self, tex: str, display: bool, px: float) -> Path | None:
        if self.cache_dir is None:
            return None
        middle = "" if display else f"{inline_middle(px):.3f}"
        digest = hashlib.sha1(f"{CACHE_VERSION}\0{tex}\0{display}\0{px}\0{middle}".encode()).hexdigest()
        return self.cache_dir / digest[:2] / f"{digest}.png"


def _remember(store: OrderedDict[Any, Any], key: Any, value: Any, limit: int) -> None:
    store[key] = value
    if len(store) > limit:
        store.popitem(last=False)


def _typeset(tex: str, *, display: bool, px: float) -> QImage:
    """``tex`` typeset in black on transparent at device pixel ratio 2; inline formulas padded so
    that their baseline lies :func:`inline_middle` below the image's vertical centre; signs braced
    (:func:`unary_signs`). Raises :class:`MathError`."""
    from mlprep.core.latex_check import latex_problem  # latex2mathml: ~50 ms, not at start-up

    problem = latex_problem(tex)
    if problem:
        raise MathError(problem)
    try:
        svg = _ziamath().Latex(unary_signs(tex), size=px, color="#000000", inline=not display).svg()
    except Exception as exc:  # ziamath raises many types on bad input; all mean "cannot typeset"
        raise MathError(f"cannot typeset: {exc}") from exc
    match = _VIEWBOX_RE.search(svg)
    if match is None:
        raise MathError("typesetter returned no picture")
    _x, y, w, h = (float(v) for v in match.groups())
    top, bottom = -y, y + h  # above and below the baseline (SVG y grows downward)
    middle = inline_middle(px)
    pad_top = 0.0 if display else max(0.0, (bottom + middle) - (top - middle))
    pad_bottom = 0.0 if display else max(0.0, (top - middle) - (bottom + middle))
    total_h = h + pad_top + pad_bottom
    if w * total_h * DEVICE_PIXEL_RATIO ** 2 > MAX_PIXELS:
        raise MathError("formula too large to show")
    image = QImage(max(1, round(w * DEVICE_PIXEL_RATIO)), max(1, round(total_h * DEVICE_PIXEL_RATIO)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    from PySide6.QtSvg import QSvgRenderer  # with the first formula typeset, not at start-up (issue 16)

    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(QByteArray(svg.encode("utf-8"))).render(
        painter, QRectF(0, pad_top * DEVICE_PIXEL_RATIO, w * DEVICE_PIXEL_RATIO, h * DEVICE_PIXEL_RATIO))
    painter.end()
    return image


_default = MathTypesetter()


def default_typesetter() -> MathTypesetter:
    """The process-wide typesetter (memory cache only until :func:`use_cache_dir`)."""
    return _default


def use_cache_dir(cache_dir: Path | None) -> None:
    """Keep typeset formulas as PNG files under ``cache_dir`` from now on."""
    _default.cache_dir = cache_dir
