"""Showing a rendered card: a document that loads nothing it was not given, the browser
widget the review screen uses, and an offscreen renderer to PNG (``mlprep render``)."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QDesktopServices,
    QImage,
    QImageReader,
    QPainter,
    QPaintEvent,
    QTextDocument,
    QWheelEvent,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from mlprep.ui.card_render import CardRenderer, LearnMoreLink, RenderedCard, document_css
from mlprep.ui.deck_paths import DECK_IMAGE_SCHEME, deck_relative_path
from mlprep.ui.theme import Theme, palette

BASE_TEXT_PX = 17.0  # card body text at zoom 0, in device-independent pixels
DOCUMENT_MARGIN = 28
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_IMAGE_SIDE = 4096  # pixels; bigger deck images are refused before they are decoded
MAX_IMAGE_WIDTH = 900  # device-independent pixels; wider deck images are scaled down
READING_SCHEME = "mlprep-reading"
DECK_IMAGE_CACHE = 24
"""Decoded deck images kept, most recently used (the shipped ones are 720 px wide, ~1 MB each decoded)."""
_DECK_IMAGE_SRC = re.compile(r'src="' + re.escape(DECK_IMAGE_SCHEME) + r':([^"]*)"')
_deck_images: OrderedDict[tuple[str, int, int], QImage | None] = OrderedDict()
_SVG_REFERENCE = re.compile(rb"""(?:href\s*=\s*["']\s*([^"']*)|url\(\s*['"]?\s*([^)'"]*))""", re.IGNORECASE)


def svg_is_self_contained(data: bytes) -> bool:
    """Whether an SVG file refers to nothing outside itself: every ``href`` and CSS ``url()`` is a
    fragment (``#id``) or a ``data:`` URI, and it declares no entities. Qt's SVG reader would
    otherwise load an ``<image xlink:href>`` from any path (issue 13, item 8)."""
    if b"<!ENTITY" in data.upper() or data[:2] == b"\x1f\x8b":  # entities; gzip (svgz) cannot be checked
        return False
    for match in _SVG_REFERENCE.finditer(data):
        target = (match.group(1) if match.group(1) is not None else match.group(2)).strip().lower()
        if not (target.startswith(b"#") or target.startswith(b"data:")):
            return False
    return True


class CardDocument(QTextDocument):
    """A card's QTextDocument. Resources come only from the rendered card (formula images)
    and from image files inside ``deck_dir``; any other URL (http, file, absolute paths,
    ``..``) loads nothing, so a deck can never make the app read the network or other files."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.deck_dir: Path | None = None
        self._images: dict[str, QImage] = {}
        self.blocked: list[str] = []  # URLs asked for and refused, for tests and diagnostics

    def show(self, rendered: RenderedCard, theme: Theme, px: float, deck_dir: Path | None) -> None:
        """Lay out ``rendered`` in ``theme`` at ``px`` text size, resolving deck images in ``deck_dir``."""
        self.deck_dir = deck_dir
        self._images = rendered.images
        self.setDefaultStyleSheet(document_css(theme, px))
        font = self.defaultFont()
        font.setPixelSize(round(px))
        self.setDefaultFont(font)
        self.setHtml(rendered.html)

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        name = url.toString() if isinstance(url, QUrl) else str(url)
        if name in self._images:
            return self._images[name]
        if kind == QTextDocument.ResourceType.ImageResource.value and name.startswith(f"{DECK_IMAGE_SCHEME}:"):
            image = self._deck_image(unquote(name[len(DECK_IMAGE_SCHEME) + 1:]))
            if image is not None:
                return image
        self.blocked.append(name)
        return None

    def _deck_image(self, relative: str) -> QImage | None:
        return deck_image(self.deck_dir, relative)


def deck_images(rendered: RenderedCard) -> list[str]:
    """The deck-relative paths of the deck images ``rendered`` shows (``deckimg:`` sources), each once."""
    return list(dict.fromkeys(unquote(m.group(1)) for m in _DECK_IMAGE_SRC.finditer(rendered.html)))


def deck_image(deck_dir: Path | None, relative: str) -> QImage | None:
    """The image file ``relative`` inside ``deck_dir``, decoded, or ``None`` when it is outside the folder,
    missing, over :data:`MAX_IMAGE_BYTES` or :data:`MAX_IMAGE_SIDE`, an SVG that refers outside itself, or
    not an image. Scaled to :data:`MAX_IMAGE_WIDTH` at most. The last :data:`DECK_IMAGE_CACHE` results are
    kept by path, size and modification time: a card's images are decoded once, not at every layout and
    paint (Qt asks a document for a resource once per use, and an overridden ``loadResource`` is not
    cached by Qt), and the review screen can decode the next side's images in idle time."""
    if deck_dir is None or deck_relative_path(relative) is None:
        return None
    root = deck_dir.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key in _deck_images:
        _deck_images.move_to_end(key)
        return _deck_images[key]
    image = None if stat.st_size > MAX_IMAGE_BYTES else _decode(path)
    _deck_images[key] = image
    if len(_deck_images) > DECK_IMAGE_CACHE:
        _deck_images.popitem(last=False)
    return image


def _decode(path: Path) -> QImage | None:
    """``path`` decoded (the checks of :func:`deck_image`), or ``None``."""
    data = path.read_bytes()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    if reader.format().data() in (b"svg", b"svgz") and not svg_is_self_contained(data):
        return None
    size = reader.size()
    if not size.isValid() or size.width() > MAX_IMAGE_SIDE or size.height() > MAX_IMAGE_SIDE:
        return None
    if size.width() > MAX_IMAGE_WIDTH:
        reader.setScaledSize(QSize(MAX_IMAGE_WIDTH, round(size.height() * MAX_IMAGE_WIDTH / size.width())))
    image = reader.read()
    return None if image.isNull() else image


def open_if_web(url: QUrl) -> bool:
    """Open ``url`` in the system browser if it is http or https; return whether it was."""
    if url.scheme() in ("http", "https"):
        return QDesktopServices.openUrl(url)
    return False


class CardBrowser(QTextBrowser):
    """The read-only card pane: never navigates by itself. A click on an http/https link
    opens the system browser (through ``opener``, replaceable in tests); a click on a
    reading-list link emits ``reading_requested(item_id)``; anything else is ignored.

    Emits ``painted`` as each paint of the card begins, and ``zoom_wheel(+1 or -1)`` for a Ctrl + mouse wheel
    (consumed: the text itself is not zoomed), from :meth:`paintEvent` and :meth:`wheelEvent`, so that nothing
    asks for the viewport widget (the first ``viewport()`` call makes PySide6 initialise every widget class to
    find its type, ~6 ms CPU on the start path, issue 16)."""

    reading_requested = Signal(str)
    painted = Signal()
    zoom_wheel = Signal(int)

    def __init__(self, parent: QWidget | None = None, opener: Callable[[QUrl], object] = open_if_web) -> None:
        super().__init__(parent)
        self.card_document = CardDocument(self)
        self.setDocument(self.card_document)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDocumentMargin(DOCUMENT_MARGIN)
        self.renderer = CardRenderer()
        self._opener = opener
        self.anchorClicked.connect(self._clicked)

    def show_card(self, front: str, back: str | None, theme: Theme, px: float,
                  deck_dir: Path | None = None, links: tuple[LearnMoreLink, ...] = (), source: str = "") -> None:
        """Show ``front`` (and ``back`` below a rule when not ``None``, then the ``source`` line with
        ``links``: :meth:`CardRenderer.render`)."""
        rendered = self.renderer.render(front, back, theme, px, links, source)
        self.card_document.show(rendered, theme, px, deck_dir)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.painted.emit()
        super().paintEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_wheel.emit(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() == READING_SCHEME:
            self.reading_requested.emit(url.path())
        elif url.scheme() in ("http", "https"):
            self._opener(url)

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        return self.card_document.loadResource(kind, QUrl(url))


def render_card_image(front: str, back: str | None, theme: Theme, *, width: int = 760,
                      px: float = BASE_TEXT_PX, scale: float = 2.0, deck_dir: Path | None = None,
                      links: tuple[LearnMoreLink, ...] = (), source: str = "") -> QImage:
    """The card drawn offscreen on the theme's card background: ``width`` device-independent
    pixels wide, as tall as the content, at ``scale`` device pixels per pixel. Needs a
    ``QGuiApplication``."""
    rendered = CardRenderer().render(front, back, theme, px, links, source)
    doc = CardDocument()
    doc.setDocumentMargin(DOCUMENT_MARGIN)
    doc.show(rendered, theme, px, deck_dir)
    doc.setTextWidth(width)
    height = max(1, round(doc.size().height()))
    image = QImage(round(width * scale), round(height * scale), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    image.setDevicePixelRatio(scale)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(theme.base))
    painter.drawRoundedRect(0, 0, width, height, 10, 10)
    context = QAbstractTextDocumentLayout.PaintContext()
    context.palette = palette(theme)
    doc.documentLayout().draw(painter, context)
    painter.end()
    return image
