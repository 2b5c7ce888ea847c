"""Rendered card sides kept across starts, so that the first card after a start is shown without loading
Python-Markdown, Pygments and the formula typesetter first (issue 16: ~50 ms before the first card's paint).

A :class:`RenderStore` is a folder of small JSON files (``<data dir>/cache/cards/<key>.json``) holding the
last :data:`MAX_ENTRIES` card sides :class:`mlprep.ui.card_render.CardRenderer` drew and offered to it (the
review screen's fronts: the card shown, the cards likely next, and the first cards Study now would show, drawn
in idle time on the deck list), each under a SHA-256 digest of everything its HTML depends on:

- the render call's arguments, in full: the side's text (front, back, source line, links), the theme (every
  colour and the code style, not only its name) and the text size;
- the application's font (inline formulas are sized from its metrics) and the Qt version;
- the renderer itself (:func:`renderer_fingerprint`): size and modification time of mlprep's rendering modules
  and of the packages they call (Python-Markdown, Pygments, ziamath, latex2mathml), and :data:`FORMAT`.

So an entry is found only for the very text it was drawn from, with the code that drew it: a card edited,
another card, another theme or size, or an upgraded renderer misses, and the side is drawn as without the
store. Formula images are kept as PNG (lossless: the premultiplied pixels come back bit for bit, which
:func:`_decode_image` converts back to). A missing, unreadable or foreign file is a miss; writing is atomic
(a temporary file renamed) and happens only in :meth:`RenderStore.save`, which the window calls in idle time
and when it closes. Never raises on a bad file; ``OSError`` on save is swallowed (a cache).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from collections.abc import Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QGuiApplication, QImage

from mlprep import __version__ as mlprep_version

if TYPE_CHECKING:
    from mlprep.ui.card_render import LearnMoreLink, RenderedCard
    from mlprep.ui.theme import Theme

FORMAT = 1
"""Bump when the file's layout or the meaning of a key changes: entries of another format are never used."""

MAX_ENTRIES = 24
"""Card sides kept (the most recently offered): the first few cards of a start, and a little more."""

STORE_DIR = "cards"
"""The store's folder under the cache folder: one ``<key>.json`` per side."""

RENDER_MODULES = ("ui/card_render.py", "ui/card_markup.py", "ui/deck_paths.py", "ui/math_images.py", "ui/theme.py",
                  "ui/render_store.py", "services/card_html.py", "core/math_text.py", "core/deck_format.py",
                  "core/fences.py")
"""mlprep's modules a rendered side's HTML depends on, relative to the package folder."""

RENDER_PACKAGES = ("markdown", "pygments", "ziamath", "latex2mathml")
"""The third-party packages that draw a side (found without importing them)."""

_fingerprint: str | None = None


def renderer_fingerprint() -> str:
    """A digest of the rendering code: each of :data:`RENDER_MODULES`' and :data:`RENDER_PACKAGES`' (the
    package's ``__init__`` file) path, size and modification time (ns), with mlprep's and PySide6's versions;
    computed once per process (stat calls only: nothing is imported)."""
    global _fingerprint
    if _fingerprint is None:
        package = Path(__file__).resolve().parents[1]
        paths = [package / name for name in RENDER_MODULES]
        for name in RENDER_PACKAGES:
            spec = find_spec(name)
            paths.append(Path(spec.origin) if spec is not None and spec.origin else Path(f"<no {name}>"))
        parts = [mlprep_version, pyside_version]  # the version too: an install without sources stats none
        for path in paths:
            try:
                stat = path.stat()
                parts.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
            except OSError:
                parts.append(f"{path}\0missing")
        _fingerprint = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return _fingerprint


def render_key(front: str, back: str | None, theme: Theme, px: float, links: Sequence[LearnMoreLink],
               source: str) -> str:
    """The store's key for :meth:`mlprep.ui.card_render.CardRenderer.render`'s arguments (module docstring):
    a hex SHA-256 digest. Needs a ``QGuiApplication`` for the font (without one the font part is empty)."""
    app = QGuiApplication.instance()
    font = QGuiApplication.font().key() if app is not None else ""
    text = json.dumps([FORMAT, renderer_fingerprint(), font, front, back, repr(theme), round(px, 2),
                       [[link.title, link.href, link.ref] for link in links], source], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _encode_image(image: QImage) -> dict[str, object]:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the binding takes a str format
    buffer.close()
    return {"png": base64.b64encode(data.data()).decode("ascii"), "dpr": image.devicePixelRatio(),
            "format": image.format().value}


def _decode_image(entry: object) -> QImage | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("png"), str):
        return None
    try:
        # The format named: without it Qt probes every image plugin first (~2.7 ms on the first card here).
        image = QImage.fromData(base64.b64decode(entry["png"], validate=True), "PNG")  # type: ignore[arg-type]
        image = image.convertToFormat(QImage.Format(int(entry["format"])))
        image.setDevicePixelRatio(float(entry["dpr"]))
    except (ValueError, TypeError, KeyError):
        return None
    return None if image.isNull() else image


class RenderStore:
    """The rendered sides kept in ``folder``/:data:`STORE_DIR` (module docstring), one small JSON file per side
    named by its key, so a look-up reads one file (or finds none) whatever the store holds. :meth:`put` keeps a
    side in memory; :meth:`save` writes those (each atomically) and deletes the oldest files past
    :attr:`max_entries`."""

    def __init__(self, folder: Path, max_entries: int = MAX_ENTRIES) -> None:
        self.folder = folder / STORE_DIR
        self.max_entries = max_entries
        self._pending: dict[str, RenderedCard] = {}  # put, not yet written: encoded only by save
        self._seen: set[str] = set()  # keys put or found in this process: not written again
        self._found: set[str] = set()  # keys found on disk: their files are touched by save (kept longest)
        self.hits = 0  # sides served from the store (for tests and diagnostics)

    def _file(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str) -> RenderedCard | None:
        """The side stored under ``key`` (:func:`render_key`), or ``None`` (none, or an unreadable or foreign
        file)."""
        from mlprep.ui.card_render import RenderedCard

        pending = self._pending.get(key)
        if pending is not None:
            self._seen.add(key)
            self.hits += 1
            return pending
        try:
            item = json.loads(self._file(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not (isinstance(item, dict) and item.get("format") == FORMAT and item.get("key") == key):
            return None
        html, stored = item.get("html"), item.get("images")
        if not isinstance(html, str) or not isinstance(stored, dict):
            return None
        images: dict[str, QImage] = {}
        for name, entry in stored.items():
            image = _decode_image(entry)
            if image is None:  # a damaged entry: draw the side again
                return None
            images[str(name)] = image
        self._seen.add(key)
        self._found.add(key)
        self.hits += 1
        return RenderedCard(html=html, images=images)

    def put(self, key: str, rendered: RenderedCard) -> None:
        """Keep ``rendered`` under ``key``, written by :meth:`save` (nothing when it was put or found already
        in this process). Costs a dictionary entry: the images are encoded when :meth:`save` writes them, and
        only the last :attr:`max_entries` sides put are kept for it."""
        if key in self._seen:
            return
        self._seen.add(key)
        self._pending[key] = rendered
        if len(self._pending) > self.max_entries:  # a long session: the oldest would be pruned after writing
            del self._pending[next(iter(self._pending))]

    @property
    def dirty(self) -> bool:
        """Whether :meth:`put` kept a side that :meth:`save` has not written yet."""
        return bool(self._pending)

    def save(self) -> None:
        """Write the sides :meth:`put` kept (each to a temporary file, then renamed), then delete the oldest
        files past :attr:`max_entries` (by modification time; a side :meth:`get` found counts as written now).
        ``OSError`` is swallowed: a cache."""
        if not self._pending and not self._found:
            return
        try:
            for key in list(self._found):  # shown from the store again: the newest, as if written now
                self._found.discard(key)
                with contextlib.suppress(OSError):  # pruned meanwhile: nothing to keep
                    os.utime(self._file(key))
            if not self._pending:
                return
            self.folder.mkdir(parents=True, exist_ok=True)
            for key, rendered in list(self._pending.items()):
                item = {"format": FORMAT, "key": key, "html": rendered.html,
                        "images": {name: _encode_image(image) for name, image in rendered.images.items()}}
                file = self._file(key)
                temp = file.with_name(f".{file.name}.tmp")
                temp.write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
                os.replace(temp, file)
                del self._pending[key]
            kept = sorted(self.folder.glob("*.json"), key=lambda path: path.stat().st_mtime_ns, reverse=True)
            for old in kept[self.max_entries:]:
                old.unlink(missing_ok=True)
        except OSError:
            return
