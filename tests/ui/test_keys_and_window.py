"""Issue 17, items 11, 13 and 14: the review keys (Space as Good), notices that belong to one card, the
File/Help menus and their shortcuts, the window remembered across runs, the way back from a card's
source to the card, every grade's colour, the icon and title, and the X11 launch hint."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QWheelEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mlprep.core.clock import FixedClock
from mlprep.core.study_settings import ScopeKind, StudyScope, StudySettings
from mlprep.services.collection import open_collection
from mlprep.ui import launch
from mlprep.ui.help_dialogs import AboutDialog, ShortcutsDialog
from mlprep.ui.main_window import MainWindow
from mlprep.ui.settings_dialog import SettingsDialog
from tests.helpers import storage_of
from tests.ui.test_main_window_views import DECK as CITES_DECK


def open_window(qtbot: QtBot, data_dir: Path, deck_dir: Path, clock: FixedClock) -> MainWindow:
    window = MainWindow(open_collection(data_dir, clock, [deck_dir]))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # window shortcuts (Ctrl+Q, F1...) go to the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def logged(window: MainWindow) -> list[tuple[str, int]]:
    return [(e.card_id, e.quality) for e in storage_of(window.collection).cards.review_log()]


# -- item 11: keys ---------------------------------------------------------------------------------


def test_space_on_the_answer_side_answers_good_and_enter_does_too(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                                   clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.study(StudyScope(ScopeKind.DECK, "deck-a"))
    review = window.review
    qtbot.keyClick(review, Qt.Key.Key_Space)  # the front: shows the answer, answers nothing
    assert review.revealed and logged(window) == []
    qtbot.keyClick(review, Qt.Key.Key_Space)  # the answer side: Good (SM-2 quality 4), as Anki
    assert logged(window) == [("a-one", 4)]
    assert review.card is not None and review.card.id == "a-two" and not review.revealed
    qtbot.keyClick(review, Qt.Key.Key_Return)
    qtbot.keyClick(review, Qt.Key.Key_Return)
    assert logged(window) == [("a-one", 4), ("a-two", 4)]


def test_space_is_good_in_six_grade_mode_too(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                            clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.collection.save_settings(StudySettings(six_grades=True))
    window.study(StudyScope(ScopeKind.DECK, "deck-b"))
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    assert logged(window) == [("b-one", 4)]


def test_a_bury_or_suspend_notice_is_gone_once_the_next_card_is_under_way(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.study(StudyScope(ScopeKind.DECK, "deck-a"))
    review = window.review
    qtbot.keyClick(review, Qt.Key.Key_At, Qt.KeyboardModifier.ShiftModifier)  # suspend a-one
    assert review.card is not None and review.card.id == "a-two"
    assert review.notice.text() == "Last card suspended (U to undo)"  # says which card it means
    qtbot.keyClick(review, Qt.Key.Key_Space)  # a-two's answer: the notice about a-one is gone
    assert review.notice.text() == ""
    qtbot.keyClick(review, Qt.Key.Key_3)
    qtbot.keyClick(review, Qt.Key.Key_Minus)  # bury a-three
    assert "buried" in review.notice.text()
    qtbot.keyClick(review, Qt.Key.Key_U)  # undo: a-three is back, and says so
    assert review.card is not None and review.card.id == "a-three" and "Undone" in review.notice.text()
    qtbot.keyClick(review, Qt.Key.Key_Space)
    assert review.notice.text() == ""


def test_ctrl_q_quits_and_the_answers_are_kept(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                               clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.study(StudyScope(ScopeKind.DECK, "deck-b"))
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    qtbot.keyClick(window.review, Qt.Key.Key_1)
    qtbot.keyClick(window.review, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible() and window.collection.closed
    reopened = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    assert logged(reopened) == [("b-one", 2)]


def test_ctrl_p_opens_the_settings(qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    opened: list[SettingsDialog] = []
    monkeypatch.setattr(SettingsDialog, "exec", lambda self: opened.append(self) or 0)
    qtbot.keyClick(window.deck_list.tree, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 1


def test_the_shortcuts_dialog_lists_the_keys_the_code_uses(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                         clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    shown: list[list[tuple[str, str, str]]] = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: shown.append(self.rows()) or 0)
    qtbot.keyClick(window.deck_list.tree, Qt.Key.Key_F1)  # Help ▸ Keyboard shortcuts
    assert len(shown) == 1
    rows = shown[0]
    assert ("1–4", "Grade the answer: Again, Hard, Good, Easy", "Review, answer side") in rows
    assert ("Space / Return / Enter", "Answer Good (as Anki)", "Review, answer side") in rows
    assert ("U / Ctrl+Z", "Undo the last answer, bury or suspend", "Review") in rows
    assert ("Ctrl+Q", "File ▸ Quit", "Anywhere") in rows
    assert ("Ctrl+P", "Tools ▸ Settings", "Anywhere") in rows
    assert ("Ctrl+Shift+S", "View ▸ Statistics", "Anywhere") in rows
    # Built from the menus: a shortcut added to a menu appears without touching the dialog.
    window.help_menu.addAction("Made up").setShortcut("Ctrl+Alt+M")
    window.show_shortcuts()
    assert ("Ctrl+Alt+M", "Help ▸ Made up", "Anywhere") in shown[1]
    window.collection.save_settings(StudySettings(six_grades=True))  # the grades of the mode in use
    window.show_shortcuts()
    assert ("0–5", "Grade the answer: Blackout, Wrong, Again, Hard, Good, Easy", "Review, answer side") in shown[2]
    dialog = ShortcutsDialog(window.shortcut_rows(), window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == len(shown[2])


def test_about_names_the_version_licence_and_links(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                  clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlprep import __version__

    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    about: list[str] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: about.append(self.text.text()) or 0)
    action = next(a for a in window.help_menu.actions() if a.text() == "About mlprep")
    action.trigger()
    assert len(about) == 1
    assert f"mlprep {__version__}" in about[0] and "Licence: MIT" in about[0]
    assert 'href="https://' in about[0] and str(tmp_path / "data") in about[0]


# -- item 11: window and reading ---------------------------------------------------------------------


def test_the_window_size_and_position_come_back_on_the_next_start(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                                  clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    assert window.size() == QSize(1000, 700)  # the first start: the default size
    window.resize(640, 450)  # within the offscreen platform's 800 x 600 screen: nothing is clamped
    window.move(QPoint(60, 40))
    qtbot.waitUntil(lambda: window.size() == QSize(640, 450))
    position = window.pos()
    window.close()
    assert (tmp_path / "data" / "window.ini").is_file()  # in the data folder, not the user's config
    reopened = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    assert reopened.size() == QSize(640, 450)
    assert reopened.pos() == position
    other = open_window(qtbot, tmp_path / "other", deck_dir, clock)  # another data folder: its own window
    assert other.size() == QSize(1000, 700)


def test_back_to_review_from_a_cards_source_returns_to_the_same_card_and_side(qtbot: QtBot, tmp_path: Path,
                                                                              clock: FixedClock) -> None:
    decks = tmp_path / "decks"
    decks.mkdir()
    (decks / "cites.md").write_text(CITES_DECK, encoding="utf-8")
    window = open_window(qtbot, tmp_path / "data", decks, clock)
    window.study()
    review = window.review
    qtbot.keyClick(review, Qt.Key.Key_Space)
    browser = review.browser
    cursor = browser.document().find("Elements of Statistical")
    cursor.setPosition(cursor.selectionStart() + 3)
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=browser.cursorRect(cursor).center())
    reading = window.reading
    assert reading is not None and window.stack.currentWidget() is reading
    assert reading.back_button.isVisible() and reading.back_button.text() == "← Back to review"
    qtbot.mouseClick(reading.back_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is review
    assert review.card is not None and review.card.id == "c-esl" and review.revealed  # same card, answer shown
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=browser.cursorRect(cursor).center())
    assert window.stack.currentWidget() is reading
    qtbot.keyClick(reading.search, Qt.Key.Key_Escape)  # Esc goes back the same way, from any child
    assert window.stack.currentWidget() is review and review.revealed
    qtbot.keyClick(review, Qt.Key.Key_4)  # the session is intact: the answer counts
    assert logged(window) == [("c-esl", 5)]
    window.show_reading()  # opened from the menu, not from a card: no way "back to review"
    assert not reading.back_button.isVisible()
    qtbot.keyClick(reading.search, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.deck_list


def test_six_grade_mode_gives_every_button_its_own_colour_red_to_green(qtbot: QtBot, tmp_path: Path,
                                                                       deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.collection.save_settings(StudySettings(six_grades=True))
    window.study(StudyScope(ScopeKind.DECK, "deck-a"))
    qtbot.keyClick(window.review, Qt.Key.Key_Space)

    def underline(quality: int) -> QColor:
        button = window.review.grade_buttons[quality]
        image = button.grab().toImage()
        return image.pixelColor(image.width() // 2, image.height() - 2)

    for dark in (False, True):
        window.set_theme(window.display.theme.DARK if dark else window.display.theme.LIGHT)
        colours = [underline(q) for q in range(6)]
        assert len({c.name() for c in colours}) == 6  # six grades, six colours
        hues = [c.hslHue() for c in colours]
        assert hues == sorted(hues) and hues[0] < 15 and 100 < hues[-1] < 140  # red, through amber, to green
        assert all(c.hslSaturation() > 100 for c in colours)  # coloured, not the grey button border


# -- item 13: icon and title ------------------------------------------------------------------------


def test_the_window_has_the_icon_and_names_the_screen_in_its_title(qtbot: QtBot, tmp_path: Path, deck_dir: Path,
                                                                  clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    assert not window.windowIcon().isNull()
    for size in (16, 256):
        image = window.windowIcon().pixmap(size, size).toImage()
        assert image.width() == size and image.pixelColor(size // 2, size // 8).blue() > 150  # the blue tile
    assert window.windowTitle() == "mlprep — Decks"
    window.study(StudyScope(ScopeKind.DECK, "deck-b"))
    assert window.windowTitle() == "mlprep — Review"
    qtbot.keyClick(window.review, Qt.Key.Key_Escape)
    assert window.windowTitle() == "mlprep — Decks"
    window.show_stats()
    assert window.windowTitle() == "mlprep — Statistics"
    window.show_reading()
    assert window.windowTitle() == "mlprep — Reading list"
    window.show_plan()
    assert window.windowTitle() == "mlprep — Plan"


def test_ctrl_and_the_mouse_wheel_over_the_card_zoom_the_card_text_and_the_wheel_alone_scrolls(
        qtbot: QtBot, tmp_path: Path, deck_dir: Path, clock: FixedClock) -> None:
    window = open_window(qtbot, tmp_path / "data", deck_dir, clock)
    window.study(StudyScope(ScopeKind.DECK, "deck-b"))
    viewport = window.review.browser.viewport()

    def wheel(up: bool, modifiers: Qt.KeyboardModifier) -> None:
        point = QPointF(viewport.width() / 2, viewport.height() / 2)
        event = QWheelEvent(point, viewport.mapToGlobal(point), QPoint(), QPoint(0, 120 if up else -120),
                            Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(viewport, event)

    px = window.review.text_px
    wheel(True, Qt.KeyboardModifier.ControlModifier)
    assert window.display.zoom == 1 and window.review.text_px > px
    wheel(False, Qt.KeyboardModifier.ControlModifier)
    assert window.display.zoom == 0 and window.review.text_px == px
    wheel(False, Qt.KeyboardModifier.NoModifier)  # no zoom: the card scrolls, as any text does
    assert window.display.zoom == 0 and window.review.browser.document().defaultFont().pixelSize() == round(px)


# -- item 14: the launch hint ------------------------------------------------------------------------


def test_without_libxcb_cursor_on_x11_the_app_prints_a_hint_and_exits_1(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from mlprep.cli import main

    asked: list[str] = []

    def no_cursor_library(name: str) -> str | None:
        asked.append(name)
        return None if name == "xcb-cursor" else f"lib{name}.so"

    import ctypes.util  # the launcher imports it on xcb only (issue 16), and asks it then

    monkeypatch.setattr(ctypes.util, "find_library", no_cursor_library)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    closer = QTimer()  # without the check the app would start: close it rather than hang the test
    closer.setSingleShot(True)
    closer.timeout.connect(lambda: [w.close() for w in QApplication.topLevelWidgets()])
    closer.start(300)
    status = main(["--data-dir", str(tmp_path / "data")])
    closer.stop()  # never into the next test's windows
    assert status == 1
    assert capsys.readouterr().err.strip() == "mlprep needs libxcb-cursor0 for X11: sudo apt install libxcb-cursor0"
    assert asked == ["xcb-cursor"]
    assert not (tmp_path / "data" / "collection.sqlite3").exists()  # stopped before opening anything


@pytest.mark.parametrize(("environ", "argv", "expected"), [
    ({"DISPLAY": ":0"}, ["mlprep"], "xcb"),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, ["mlprep"], "wayland"),
    ({"QT_QPA_PLATFORM": "xcb;wayland", "WAYLAND_DISPLAY": "wayland-0"}, ["mlprep"], "xcb"),
    ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, ["mlprep"], "offscreen"),
    ({"DISPLAY": ":0"}, ["mlprep", "-platform", "offscreen"], "offscreen"),
    ({}, ["mlprep"], ""),
])
def test_the_hint_is_given_only_where_qt_would_load_x11(environ: dict[str, str], argv: list[str],
                                                        expected: str) -> None:
    assert launch.qt_platform(environ, argv, "linux") == expected
    missing = launch.missing_platform_library(environ, argv, lambda name: None)
    assert (missing is not None) == (expected == "xcb")
    assert launch.missing_platform_library(environ, argv, lambda name: f"lib{name}.so.0") is None
