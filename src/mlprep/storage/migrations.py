"""The collection's schema, one named function per change (sqlite-utils ``Migrations``).

LANDED MIGRATIONS ARE HISTORY: never edit one, add a new one. Once a migration has landed,
its body, its name, its place in the order and every constant it uses (``ROW_CLASS_SQL``,
``_ROW_ADD`` ...) stay as they are forever. sqlite-utils records a migration by name only,
so a collection that ran the old text counts it as applied, and the next migration that
assumes the new text fails on it: that is how editing m001 and m003 after they landed
stranded collections (repaired by :mod:`mlprep.storage.legacy`). To change the schema, add
a migration at the end of this file (transactional, the default: the whole upgrade runs in
one transaction), record its hash in tests/storage/test_migrations_frozen.py when it lands,
and run scripts/make_history_fixtures.py.

Every schema that ever landed must open at HEAD, with nothing lost:
tests/storage/test_history.py opens a collection made by each of them (tests/fixtures/history)
and compares it with a fresh one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("mlprep")


@migrations()
def m001_initial(db: Database) -> None:
    """Decks, cards with their SM-2 state, the append-only review log and settings."""
    db["decks"].create({
        "id": str, "title": str, "area": str, "leaf": str, "path": str, "tags": str,
        "description": str, "card_count": int, "present": int,
    }, pk="id")
    db["cards"].create({
        "id": str, "deck_id": str, "position": int, "front": str, "back": str, "tags": str,
        "source": str, "present": int,
        # SM-2 state; due is the study day (ISO date) the card is next due, NULL while new.
        "repetitions": int, "easiness": float, "interval": int, "due": str,
        "lapses": int, "reviews": int, "last_review": str,
        # suspended: never shown until unsuspended; buried_until: hidden before this study day.
        "suspended": int, "buried_until": str,
        # Tags the app adds (e.g. "leech"); deck sync never touches them.
        "user_tags": str,
        "added_at": str, "updated_at": str,
    }, pk="id", not_null={"deck_id", "front", "back"}, defaults={
        "present": 1, "repetitions": 0, "easiness": 2.5, "interval": 0, "lapses": 0, "reviews": 0,
        "suspended": 0, "tags": "[]", "user_tags": "[]", "source": "",
    })
    # "Cards due now", most overdue first, without a table scan.
    db.execute("CREATE INDEX idx_cards_due ON cards(due) WHERE due IS NOT NULL")
    # The deck list's per-deck new/due counts as range scans of one covering index.
    db.execute("CREATE INDEX idx_cards_deck_state ON cards(deck_id, present, suspended, due)")
    # The next new card in deck order, as the first entry of a small partial index.
    db.execute("CREATE INDEX idx_cards_new ON cards(deck_id, position) "
               "WHERE due IS NULL AND present = 1 AND suspended = 0")
    db.execute("CREATE INDEX idx_cards_buried ON cards(buried_until) WHERE buried_until IS NOT NULL")
    db["review_log"].create({
        "id": int, "card_id": str, "reviewed_at": str, "quality": int, "kind": str,
        "repetitions_before": int, "repetitions_after": int,
        "interval_before": int, "interval_after": int,
        "easiness_before": float, "easiness_after": float,
        "due_before": str, "due_after": str, "answer_ms": int,
    }, pk="id", not_null={"card_id", "reviewed_at", "quality", "kind"})
    db.execute("CREATE INDEX idx_review_log_card ON review_log(card_id, reviewed_at)")
    db.execute("CREATE INDEX idx_review_log_time ON review_log(reviewed_at)")
    db["settings"].create({"key": str, "value": str}, pk="key")


@migrations()
def m002_reading(db: Database) -> None:
    """The user's place in the reading list: status (to_read, reading, done), the study day
    (ISO date) it was set, and personal notes, per reading-list item id."""
    db["reading_status"].create({
        "item_id": str, "status": str, "status_date": str, "notes": str, "updated_at": str,
    }, pk="item_id", not_null={"status", "notes"}, defaults={"notes": ""})


# A review-log row's class for statistics, indexed by m003 (stats_queries must use this exact
# text for SQLite to match the index): 0 new, 1 drill, 2-5 review by
# 2 + (repetitions_before > 0) + 2 * (interval_before >= 21), 6 cram. Never change it: add a new index.
ROW_CLASS_SQL = ("CASE kind WHEN 'new' THEN 0 WHEN 'drill' THEN 1 "
                 "WHEN 'review' THEN 2 + (repetitions_before > 0) + 2 * (interval_before >= 21) ELSE 6 END")


@migrations()
def m003_stats_indexes(db: Database) -> None:
    """Covering indexes for the statistics screen (issue 7), so that its figures are range
    counts of indexes rather than sorts of the whole review log (see
    mlprep.storage.stats_queries): answers per row class, grade and time; reviews answered
    before their due day (partial: few rows); a card's answers by kind and grade, which
    replaces the index on (card_id, reviewed_at) (same prefix: one index to update per answer,
    as before). Appends to the class index and the partial indexes are cheap; nothing is added
    to the cards table, whose rows every answer rewrites."""
    db.execute(f"CREATE INDEX idx_review_log_class ON review_log(({ROW_CLASS_SQL}), quality, reviewed_at, "
               "kind, repetitions_before, interval_before)")
    db.execute("CREATE INDEX idx_review_log_ahead ON review_log(reviewed_at, due_before) WHERE kind = 'review' "
               "AND (due_before IS NULL OR due_before > substr(reviewed_at, 1, 10))")
    db.execute("CREATE INDEX idx_review_log_ahead_utc ON review_log(reviewed_at) WHERE kind = 'review' "
               "AND due_before = substr(reviewed_at, 1, 10)")
    db.execute("CREATE INDEX idx_review_log_card_kind ON review_log(card_id, kind, reviewed_at, quality, "
               "repetitions_before, interval_before)")
    db.execute("DROP INDEX idx_review_log_card")


# The review days summary (m004) counts, per deck and UTC date, the review-log rows of kind
# 'review' of the present cards. Triggers on both tables keep it exact; the statistics read
# whole days from it and only the partial days at a period's ends from the log. Each statement
# tests the row's kind or the card's presence itself, so a trigger needs no WHEN clause.
_ROW_ADD = """
    INSERT INTO review_days (deck_id, day, reviews, passed)
    SELECT c.deck_id, substr({row}.reviewed_at, 1, 10), 1, {row}.quality >= 3 FROM cards c
    WHERE {row}.kind = 'review' AND c.id = {row}.card_id AND c.present = 1
    ON CONFLICT (deck_id, day) DO UPDATE SET reviews = reviews + 1, passed = passed + excluded.passed;
"""
_ROW_SUBTRACT = """
    UPDATE review_days SET reviews = reviews - 1, passed = passed - ({row}.quality >= 3)
    WHERE {row}.kind = 'review' AND day = substr({row}.reviewed_at, 1, 10)
      AND deck_id = (SELECT c.deck_id FROM cards c WHERE c.id = {row}.card_id AND c.present = 1);
    DELETE FROM review_days WHERE reviews = 0 AND day = substr({row}.reviewed_at, 1, 10)
      AND deck_id = (SELECT c.deck_id FROM cards c WHERE c.id = {row}.card_id);
"""
_CARD_ADD = """
    INSERT INTO review_days (deck_id, day, reviews, passed)
    SELECT {card}.deck_id, substr(l.reviewed_at, 1, 10), COUNT(*), SUM(l.quality >= 3) FROM review_log l
    WHERE {card}.present = 1 AND l.card_id = {card}.id AND l.kind = 'review' GROUP BY 2
    ON CONFLICT (deck_id, day) DO UPDATE SET reviews = reviews + excluded.reviews, passed = passed + excluded.passed;
"""
_CARD_SUBTRACT = """
    UPDATE review_days SET
      reviews = reviews - (SELECT COUNT(*) FROM review_log l WHERE l.card_id = {card}.id AND l.kind = 'review'
                           AND l.reviewed_at >= review_days.day AND l.reviewed_at < date(review_days.day, '+1 day')),
      passed = passed - (SELECT COUNT(*) FROM review_log l WHERE l.card_id = {card}.id AND l.kind = 'review'
                         AND l.quality >= 3 AND l.reviewed_at >= review_days.day
                         AND l.reviewed_at < date(review_days.day, '+1 day'))
    WHERE {card}.present = 1 AND deck_id = {card}.deck_id
      AND day IN (SELECT substr(l.reviewed_at, 1, 10) FROM review_log l
                  WHERE l.card_id = {card}.id AND l.kind = 'review');
    DELETE FROM review_days WHERE reviews = 0 AND deck_id = {card}.deck_id;
"""


@migrations()
def m004_stats_summaries(db: Database) -> None:
    """Keep the statistics' per-deck figures off per-card work (issue 7, 100k cards).

    - ``idx_cards_stats`` on (deck_id, present, suspended, due, repetitions, interval, easiness,
      lapses) replaces ``idx_cards_deck_state`` (its prefix): the statistics' passes over the cards
      read the index, not the card texts, and an answer still rewrites one index entry.
    - ``review_days`` (deck_id, day, reviews, passed): per deck and UTC date (the first ten
      characters of ``reviewed_at``), the review-log rows of kind 'review' of present cards and
      those with quality >= 3. Triggers on both tables keep it equal to that aggregate through
      answers, undo, and a card leaving, returning or changing deck; an answer adds one upsert.
    """
    db.execute("CREATE INDEX idx_cards_stats ON cards(deck_id, present, suspended, due, repetitions, interval, "
               "easiness, lapses)")
    db.execute("DROP INDEX idx_cards_deck_state")
    db.execute("CREATE TABLE review_days (deck_id TEXT NOT NULL, day TEXT NOT NULL, reviews INTEGER NOT NULL, "
               "passed INTEGER NOT NULL, PRIMARY KEY (deck_id, day)) WITHOUT ROWID")
    db.execute("INSERT INTO review_days SELECT c.deck_id, substr(l.reviewed_at, 1, 10), COUNT(*), "
               "SUM(l.quality >= 3) FROM review_log l JOIN cards c ON c.id = l.card_id "
               "WHERE l.kind = 'review' AND c.present = 1 GROUP BY 1, 2")
    new_row, old_row = _ROW_ADD.format(row="NEW"), _ROW_SUBTRACT.format(row="OLD")
    new_card, old_card = _CARD_ADD.format(card="NEW"), _CARD_SUBTRACT.format(card="OLD")
    db.execute(f"CREATE TRIGGER review_days_log_insert AFTER INSERT ON review_log BEGIN {new_row} END")
    db.execute(f"CREATE TRIGGER review_days_log_delete AFTER DELETE ON review_log BEGIN {old_row} END")
    db.execute("CREATE TRIGGER review_days_log_update AFTER UPDATE OF card_id, reviewed_at, quality, kind "
               f"ON review_log BEGIN {old_row} {new_row} END")
    db.execute("CREATE TRIGGER review_days_card_update AFTER UPDATE OF id, deck_id, present ON cards "
               "WHEN OLD.id IS NOT NEW.id OR OLD.deck_id IS NOT NEW.deck_id OR OLD.present IS NOT NEW.present "
               f"BEGIN {old_card} {new_card} END")
    db.execute(f"CREATE TRIGGER review_days_card_insert AFTER INSERT ON cards BEGIN {new_card} END")
    db.execute(f"CREATE TRIGGER review_days_card_delete AFTER DELETE ON cards BEGIN {old_card} END")


@migrations()
def m005_plan(db: Database) -> None:
    """The interview planner (issue 14).

    - ``review_log.due_sm2``: the due day SM-2 itself gave an answer; ``due_after`` keeps the due day
      stored, which a plan may have moved before the interview (NULL in rows logged before m005).
    - ``cards.new_rank``: the order new cards are introduced in (curriculum order interleaved across
      areas, or the plan's weighted order); NULL for a card a plan leaves out. ``idx_cards_new_rank``
      serves "the next new card" as the first entry of a small partial index.
    """
    db.execute("ALTER TABLE review_log ADD COLUMN due_sm2 TEXT")
    db.execute("ALTER TABLE cards ADD COLUMN new_rank INTEGER")
    db.execute("CREATE INDEX idx_cards_new_rank ON cards(new_rank) "
               "WHERE due IS NULL AND present = 1 AND suspended = 0 AND new_rank IS NOT NULL")


@migrations()
def m006_card_search(db: Database) -> None:
    """Full-text search over the card text for the Browse window (issue 15).

    ``cards_fts``: an external-content FTS5 index (https://sqlite.org/fts5.html#external_content_tables)
    over ``cards.front``, ``back`` and ``source``, keyed by the cards' rowid, with the ``unicode61``
    tokenizer folding case and diacritics; filled here and kept in step by three triggers. The update
    trigger fires only when the text changes (``UPDATE OF front, back, source``), so an answer, which
    rewrites a card's scheduling columns, costs the index nothing. Written out here rather than through
    sqlite-utils' ``enable_fts``: that runs ``executescript``, which commits, so the upgrade would no
    longer be one transaction, and its update trigger fires on every update of the row. The rowid of a
    table without an INTEGER PRIMARY KEY can change only in a VACUUM, which mlprep never runs; the
    index's ``'rebuild'`` command refills it from the cards if one ever did.

    ``idx_cards_browse``: every column a non-text search tests, in the Browse table's default order (due
    day, new cards last, then card id): a search over 100k cards reads this narrow index (about a
    tenth of the table's bytes, which hold the card texts) instead of the table, and its first page in
    due order without sorting. It costs an answer one more index entry to rewrite.
    """
    db.execute("CREATE INDEX idx_cards_browse ON cards(due IS NULL, due, id, present, suspended, buried_until, "
               "repetitions, interval, easiness, lapses, reviews, deck_id, tags, user_tags)")
    columns = "front, back, source"
    db.execute(f"CREATE VIRTUAL TABLE cards_fts USING fts5({columns}, content='cards', content_rowid='rowid', "
               "tokenize='unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO cards_fts (cards_fts) VALUES ('rebuild')")
    add = f"INSERT INTO cards_fts (rowid, {columns}) VALUES (NEW.rowid, NEW.front, NEW.back, NEW.source);"
    remove = (f"INSERT INTO cards_fts (cards_fts, rowid, {columns}) "
              "VALUES ('delete', OLD.rowid, OLD.front, OLD.back, OLD.source);")
    db.execute(f"CREATE TRIGGER cards_fts_insert AFTER INSERT ON cards BEGIN {add} END")
    db.execute(f"CREATE TRIGGER cards_fts_delete AFTER DELETE ON cards BEGIN {remove} END")
    db.execute(f"CREATE TRIGGER cards_fts_update AFTER UPDATE OF front, back, source ON cards BEGIN {remove} {add} END")


@migrations()
def m007_deck_files(db: Database) -> None:
    """Deck sync skips what has not changed (issue 16).

    - ``deck_files``: per deck file (``path`` as synced) what the last sync saw of it: its deck id, size
      (bytes), modification time (``mtime_ns``, ns since the epoch), SHA-256 of its text, the loader's
      ``inputs`` key it was parsed under (mlprep's version and anything else that shapes the cards, such
      as shipped-card overrides) and when it was looked at (``checked_ns``). Only files that loaded without
      a problem get a row: a file with problems is read and parsed again at every sync, so that its
      problems are reported every time.
    - ``cards.content_hash``: a digest of the card's synced content (deck, position, front, back, tags,
      source), so that a changed file is compared card by card without reading the texts back.
    """
    db.execute("CREATE TABLE deck_files (path TEXT PRIMARY KEY, deck_id TEXT NOT NULL, size INTEGER NOT NULL, "
               "mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL, inputs TEXT NOT NULL, checked_ns INTEGER NOT NULL)")
    db.execute("ALTER TABLE cards ADD COLUMN content_hash BLOB")


@migrations()
def m008_due_id_index(db: Database) -> None:
    """The next-due pick (``ORDER BY due, id LIMIT 1``) as the first entry of an index (issue 16).

    ``idx_cards_due_id`` on (due, id), partial on ``due IS NOT NULL``, replaces ``idx_cards_due`` on (due)
    (its prefix: every query that used it can use this one; one index to update per answer, as before).
    With (due) alone SQLite sorted the oldest due day's cards in a temporary B-tree for every pick
    (0.21 ms at 100k cards; 0.01 ms with this index, benchmarks/bench_next_due.py).
    """
    db.execute("CREATE INDEX idx_cards_due_id ON cards(due, id) WHERE due IS NOT NULL")
    db.execute("DROP INDEX idx_cards_due")


@migrations()
def m009_answer_hours(db: Database) -> None:
    """Per-day answer counts from a summary instead of an index scanned per day (issue 16).

    - ``answer_hours`` (``hour``, ``cls``, ``n0`` .. ``n5``): per UTC hour (``hour``, the first 13
      characters of ``reviewed_at``, ``YYYY-MM-DDTHH``) and row class 0-5 (``cls``, the classes of
      ``ROW_CLASS_SQL``; cram, class 6, is left out), the review-log rows answered with quality 0-5
      (``n<quality>``). A row with a NULL class or a quality outside 0-5 counts nowhere, as in the
      statistics before. Three triggers on ``review_log`` keep it equal to that aggregate (an answer
      adds one upsert of a narrow row; undo, a delete or an update subtracts the old row), and a row
      whose counts all reach 0 is deleted. Statistics read whole hours of a study day from it and only
      an hour that a study day's bound cuts (a zone not a whole number of hours from UTC) from the log.
    - ``idx_review_log_class`` (row class, quality, reviewed_at, ...: 36 range counts per day) is
      dropped: the summary replaces every query that read it.
    """
    def cls(row: str) -> str:
        return (f"(CASE {row}.kind WHEN 'new' THEN 0 WHEN 'drill' THEN 1 WHEN 'review' THEN 2 + "
                f"({row}.repetitions_before > 0) + 2 * ({row}.interval_before >= 21) ELSE 6 END)")

    def counted(row: str) -> str:
        return f"{cls(row)} < 6 AND {row}.quality IN (0, 1, 2, 3, 4, 5)"

    names = [f"n{g}" for g in range(6)]
    columns = ", ".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name in names)
    db.execute(f"CREATE TABLE answer_hours (hour TEXT NOT NULL, cls INTEGER NOT NULL, {columns}, "
               "PRIMARY KEY (hour, cls)) WITHOUT ROWID")
    sums = ", ".join(f"SUM(l.quality = {g})" for g in range(6))
    db.execute(f"INSERT INTO answer_hours (hour, cls, {', '.join(names)}) "
               f"SELECT substr(l.reviewed_at, 1, 13), {cls('l')}, {sums} FROM review_log l WHERE {counted('l')} "
               "GROUP BY 1, 2")

    def add(row: str) -> str:
        return (f"INSERT INTO answer_hours (hour, cls, {', '.join(names)}) "
                f"SELECT substr({row}.reviewed_at, 1, 13), {cls(row)}, "
                f"{', '.join(f'{row}.quality = {g}' for g in range(6))} WHERE {counted(row)} "
                f"ON CONFLICT (hour, cls) DO UPDATE SET {', '.join(f'{n} = {n} + excluded.{n}' for n in names)};")

    def subtract(row: str) -> str:
        key = f"hour = substr({row}.reviewed_at, 1, 13) AND cls = {cls(row)}"
        less = ", ".join(f"{n} = {n} - ({row}.quality = {g})" for g, n in enumerate(names))
        return (f"UPDATE answer_hours SET {less} WHERE {key} AND {row}.quality IN (0, 1, 2, 3, 4, 5); "
                f"DELETE FROM answer_hours WHERE {key} AND {' + '.join(names)} = 0;")

    db.execute(f"CREATE TRIGGER answer_hours_log_insert AFTER INSERT ON review_log BEGIN {add('NEW')} END")
    db.execute(f"CREATE TRIGGER answer_hours_log_delete AFTER DELETE ON review_log BEGIN {subtract('OLD')} END")
    db.execute("CREATE TRIGGER answer_hours_log_update AFTER UPDATE OF reviewed_at, quality, kind, "
               f"repetitions_before, interval_before ON review_log BEGIN {subtract('OLD')} {add('NEW')} END")
    db.execute("DROP INDEX idx_review_log_class")


# m010's stored forms (mlprep.storage.log_codec reads and writes them; tests/storage/test_compact_log.py
# checks that the two agree). Never change these: add a new migration.
_US_PER_DAY, _US_PER_HOUR = 86_400_000_000, 3_600_000_000
_M010_KINDS = {"new": 0, "drill": 1, "review": 2, "cram": 3}
_M010_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_M010_US = timedelta(microseconds=1)
_M010_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_SqlValue = str | bytes | int | float | None


def _m010_class(row: str) -> str:
    """The statistics row class (the classes of ROW_CLASS_SQL) of a row with m010's integer kinds."""
    return (f"(CASE WHEN {row}.kind < 2 THEN {row}.kind WHEN {row}.kind = 2 THEN 2 + ({row}.repetitions_before > 0) "
            f"+ 2 * ({row}.interval_before >= 21) ELSE 6 END)")


def _m010_instant(text: _SqlValue) -> _SqlValue:
    """An ISO instant text as whole microseconds since 1970-01-01 UTC (exact; an offset is applied, a text
    without one is UTC); any other value is returned as it is (kept: nothing is lost). Called once per
    log row: 0.7 s at 1M rows."""
    if not isinstance(text, str):
        return text
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return text
    if at.tzinfo is None or at.utcoffset() is None:
        at = at.replace(tzinfo=UTC)
    return (at - _M010_EPOCH) // _M010_US


def _m010_day(text: _SqlValue) -> _SqlValue:
    """An ISO date text as its day number (days since 1970-01-01); any other value as it is (kept)."""
    if not isinstance(text, str):
        return text
    try:
        return date.fromisoformat(text).toordinal() - _M010_EPOCH_ORDINAL
    except ValueError:
        return text


_M010_LOG = """CREATE TABLE review_log_m010 (
   id INTEGER PRIMARY KEY,
   card_id TEXT NOT NULL,
   reviewed_at INTEGER NOT NULL,
   quality INTEGER NOT NULL,
   kind INTEGER NOT NULL,
   repetitions_before INTEGER,
   repetitions_after INTEGER,
   interval_before INTEGER,
   interval_after INTEGER,
   easiness_before REAL,
   easiness_after REAL,
   due_before INTEGER,
   due_after INTEGER,
   answer_ms INTEGER,
   due_sm2 INTEGER
)"""
_M010_ROW_ADD = f"""
    INSERT INTO review_days (deck_id, day, reviews, passed)
    SELECT c.deck_id, {{row}}.reviewed_at / {_US_PER_DAY}, 1, {{row}}.quality >= 3 FROM cards c
    WHERE {{row}}.kind = 2 AND c.id = {{row}}.card_id AND c.present = 1
    ON CONFLICT (deck_id, day) DO UPDATE SET reviews = reviews + 1, passed = passed + excluded.passed;
"""
_M010_ROW_SUBTRACT = f"""
    UPDATE review_days SET reviews = reviews - 1, passed = passed - ({{row}}.quality >= 3)
    WHERE {{row}}.kind = 2 AND day = {{row}}.reviewed_at / {_US_PER_DAY}
      AND deck_id = (SELECT c.deck_id FROM cards c WHERE c.id = {{row}}.card_id AND c.present = 1);
    DELETE FROM review_days WHERE reviews = 0 AND day = {{row}}.reviewed_at / {_US_PER_DAY}
      AND deck_id = (SELECT c.deck_id FROM cards c WHERE c.id = {{row}}.card_id);
"""
_M010_CARD_ADD = f"""
    INSERT INTO review_days (deck_id, day, reviews, passed)
    SELECT {{card}}.deck_id, l.reviewed_at / {_US_PER_DAY}, COUNT(*), SUM(l.quality >= 3) FROM review_log l
    WHERE {{card}}.present = 1 AND l.card_id = {{card}}.id AND l.kind = 2 GROUP BY 2
    ON CONFLICT (deck_id, day) DO UPDATE SET reviews = reviews + excluded.reviews, passed = passed + excluded.passed;
"""
_M010_CARD_SUBTRACT = f"""
    UPDATE review_days SET
      reviews = reviews - (SELECT COUNT(*) FROM review_log l WHERE l.card_id = {{card}}.id AND l.kind = 2
                           AND l.reviewed_at >= review_days.day * {_US_PER_DAY}
                           AND l.reviewed_at < (review_days.day + 1) * {_US_PER_DAY}),
      passed = passed - (SELECT COUNT(*) FROM review_log l WHERE l.card_id = {{card}}.id AND l.kind = 2
                         AND l.quality >= 3 AND l.reviewed_at >= review_days.day * {_US_PER_DAY}
                         AND l.reviewed_at < (review_days.day + 1) * {_US_PER_DAY})
    WHERE {{card}}.present = 1 AND deck_id = {{card}}.deck_id
      AND day IN (SELECT l.reviewed_at / {_US_PER_DAY} FROM review_log l WHERE l.card_id = {{card}}.id AND l.kind = 2);
    DELETE FROM review_days WHERE reviews = 0 AND deck_id = {{card}}.deck_id;
"""


@migrations()
def m010_compact_log(db: Database) -> None:
    """The review log in integers (issue 16: the collection file ≤ 1.5× Anki's).

    ``review_log`` is rebuilt (SQLite's table rebuild, https://sqlite.org/lang_altertable.html#otheralter,
    inside the upgrade's one transaction) with the same columns in the same order and the same ``id``
    values, but

    - ``reviewed_at``: INTEGER microseconds since 1970-01-01 UTC (was the ISO text, 25-32 characters); a
      text with an offset is converted to its UTC instant, one without is taken as UTC;
    - ``kind``: INTEGER 0 new, 1 drill, 2 review, 3 cram (was the name);
    - ``due_before``, ``due_after``, ``due_sm2``: INTEGER days since 1970-01-01 (were ISO dates).

    A value that is not what any version wrote (not an ISO instant or date, an unknown kind) is kept as it
    is: SQLite's flexible typing stores a text in an INTEGER column, so no row and no value is lost, and
    reading it back fails as it did before (mlprep.storage.log_codec). Its indexes are made again with the
    same columns (the partial ones with ``reviewed_at / 86400000000``, the UTC day number, for
    ``substr(reviewed_at, 1, 10)``). ``review_days.day`` becomes the UTC day number and ``answer_hours.hour``
    the UTC hour number (``reviewed_at / 3600000000``); both summaries are rebuilt from the converted log,
    and every trigger that reads the log is made again with integer arithmetic instead of ``substr``.
    """
    conn = db.conn
    conn.create_function("mlprep_m010_instant", 1, _m010_instant, deterministic=True)
    conn.create_function("mlprep_m010_day", 1, _m010_day, deterministic=True)
    for name in ("review_days_log_insert", "review_days_log_delete", "review_days_log_update",
                 "review_days_card_update", "review_days_card_insert", "review_days_card_delete",
                 "answer_hours_log_insert", "answer_hours_log_delete", "answer_hours_log_update"):
        db.execute(f"DROP TRIGGER {name}")
    db.execute(_M010_LOG)

    def day(column: str) -> str:  # SQLite's own parse for the common form, checked; Python for anything else
        return (f"CASE WHEN {column} IS NULL THEN NULL WHEN date({column}) IS {column} "
                f"THEN CAST(julianday({column}) - 2440587.5 AS INTEGER) ELSE mlprep_m010_day({column}) END")

    kinds = " ".join(f"WHEN '{name}' THEN {code}" for name, code in _M010_KINDS.items())
    db.execute("INSERT INTO review_log_m010 SELECT id, card_id, mlprep_m010_instant(reviewed_at), quality, "
               f"CASE kind {kinds} ELSE kind END, repetitions_before, repetitions_after, interval_before, "
               f"interval_after, easiness_before, easiness_after, {day('due_before')}, {day('due_after')}, "
               f"answer_ms, {day('due_sm2')} FROM review_log ORDER BY id")
    db.execute("DROP TABLE review_log")
    db.execute("ALTER TABLE review_log_m010 RENAME TO review_log")
    db.execute("CREATE INDEX idx_review_log_time ON review_log(reviewed_at)")
    db.execute("CREATE INDEX idx_review_log_card_kind ON review_log(card_id, kind, reviewed_at, quality, "
               "repetitions_before, interval_before)")
    db.execute("CREATE INDEX idx_review_log_ahead ON review_log(reviewed_at, due_before) WHERE kind = 2 "
               f"AND (due_before IS NULL OR due_before > reviewed_at / {_US_PER_DAY})")
    db.execute("CREATE INDEX idx_review_log_ahead_utc ON review_log(reviewed_at) WHERE kind = 2 "
               f"AND due_before = reviewed_at / {_US_PER_DAY}")

    db.execute("DROP TABLE review_days")
    db.execute("CREATE TABLE review_days (deck_id TEXT NOT NULL, day INTEGER NOT NULL, reviews INTEGER NOT NULL, "
               "passed INTEGER NOT NULL, PRIMARY KEY (deck_id, day)) WITHOUT ROWID")
    db.execute(f"INSERT INTO review_days SELECT c.deck_id, l.reviewed_at / {_US_PER_DAY}, COUNT(*), "
               "SUM(l.quality >= 3) FROM review_log l JOIN cards c ON c.id = l.card_id "
               "WHERE l.kind = 2 AND c.present = 1 GROUP BY 1, 2")
    new_row, old_row = _M010_ROW_ADD.format(row="NEW"), _M010_ROW_SUBTRACT.format(row="OLD")
    new_card, old_card = _M010_CARD_ADD.format(card="NEW"), _M010_CARD_SUBTRACT.format(card="OLD")
    db.execute(f"CREATE TRIGGER review_days_log_insert AFTER INSERT ON review_log BEGIN {new_row} END")
    db.execute(f"CREATE TRIGGER review_days_log_delete AFTER DELETE ON review_log BEGIN {old_row} END")
    db.execute("CREATE TRIGGER review_days_log_update AFTER UPDATE OF card_id, reviewed_at, quality, kind "
               f"ON review_log BEGIN {old_row} {new_row} END")
    db.execute("CREATE TRIGGER review_days_card_update AFTER UPDATE OF id, deck_id, present ON cards "
               "WHEN OLD.id IS NOT NEW.id OR OLD.deck_id IS NOT NEW.deck_id OR OLD.present IS NOT NEW.present "
               f"BEGIN {old_card} {new_card} END")
    db.execute(f"CREATE TRIGGER review_days_card_insert AFTER INSERT ON cards BEGIN {new_card} END")
    db.execute(f"CREATE TRIGGER review_days_card_delete AFTER DELETE ON cards BEGIN {old_card} END")

    names = [f"n{g}" for g in range(6)]
    columns = ", ".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name in names)
    db.execute("DROP TABLE answer_hours")
    db.execute(f"CREATE TABLE answer_hours (hour INTEGER NOT NULL, cls INTEGER NOT NULL, {columns}, "
               "PRIMARY KEY (hour, cls)) WITHOUT ROWID")

    def counted(row: str) -> str:
        return f"{_m010_class(row)} < 6 AND {row}.quality IN (0, 1, 2, 3, 4, 5)"

    sums = ", ".join(f"SUM(l.quality = {g})" for g in range(6))
    db.execute(f"INSERT INTO answer_hours (hour, cls, {', '.join(names)}) "
               f"SELECT l.reviewed_at / {_US_PER_HOUR}, {_m010_class('l')}, {sums} FROM review_log l "
               f"WHERE {counted('l')} GROUP BY 1, 2")

    def add(row: str) -> str:
        return (f"INSERT INTO answer_hours (hour, cls, {', '.join(names)}) "
                f"SELECT {row}.reviewed_at / {_US_PER_HOUR}, {_m010_class(row)}, "
                f"{', '.join(f'{row}.quality = {g}' for g in range(6))} WHERE {counted(row)} "
                f"ON CONFLICT (hour, cls) DO UPDATE SET {', '.join(f'{n} = {n} + excluded.{n}' for n in names)};")

    def subtract(row: str) -> str:
        key = f"hour = {row}.reviewed_at / {_US_PER_HOUR} AND cls = {_m010_class(row)}"
        less = ", ".join(f"{n} = {n} - ({row}.quality = {g})" for g, n in enumerate(names))
        return (f"UPDATE answer_hours SET {less} WHERE {key} AND {row}.quality IN (0, 1, 2, 3, 4, 5); "
                f"DELETE FROM answer_hours WHERE {key} AND {' + '.join(names)} = 0;")

    db.execute(f"CREATE TRIGGER answer_hours_log_insert AFTER INSERT ON review_log BEGIN {add('NEW')} END")
    db.execute(f"CREATE TRIGGER answer_hours_log_delete AFTER DELETE ON review_log BEGIN {subtract('OLD')} END")
    db.execute("CREATE TRIGGER answer_hours_log_update AFTER UPDATE OF reviewed_at, quality, kind, "
               f"repetitions_before, interval_before ON review_log BEGIN {subtract('OLD')} {add('NEW')} END")


@migrations()
def m011_answer_card_indexes(db: Database) -> None:
    """The card indexes an answer rewrites, cheaper to rewrite (issue 16), and the per-deck reads covered.

    An answer changes a card's ``due``, ``interval``, ``easiness``, ``repetitions``, ``reviews``: every index
    holding one of those has its entry deleted and inserted again, on another B-tree page when the key moved
    (a page more in the commit, about 2 µs on tmpfs).

    - ``idx_cards_due_id`` (m008) is dropped: m006's ``idx_cards_browse`` (``due IS NULL, due, id, present,
      suspended, buried_until, ..., deck_id, tags, user_tags``) holds its key in the same order after its
      first column, and every column the pick tests. The next-due pick and the other reads of a due range
      (mlprep.storage.study_queries, ``CardStore.next_due_day`` and ``deck_counts``) name that first column
      (``(c.due IS NULL) = 0``) and walk it, testing visibility, deck and tags in the index.
    - ``idx_cards_stats`` (m004, the statistics' and deck counts' covering index) is made again with the
      card's ``position`` (its place in its deck file, which only a deck sync changes) after ``deck_id,
      present, suspended``, before the columns an answer changes: an answered card's entry is written back
      where it was (one page), not moved within its deck in due order (two pages, often three). With
      ``new_rank`` and ``buried_until`` it covers the queue's per-deck tallies and the done screen's summary.
      A deck's due count, which read a range of it in due order, is one range of ``idx_cards_browse``.
    - ``idx_cards_new`` (m001, the new cards of a deck) is made again on ``(deck_id, new_rank, position)``,
      then the columns its queries test (``due, present, suspended``: SQLite reads a partial index's own
      condition from its columns; ``buried_until``): a deck's next new card is its first visible entry (the
      pick walked the whole new-card order reading each card's row to test its deck), and its count of new
      cards with a rank is a covering range. An answer only ever deletes a new card's entry.

    Query plans: tests/storage/test_due_index.py and test_card_indexes.py; times: benchmarks/bench_session.py.
    """
    db.execute("DROP INDEX IF EXISTS idx_cards_due_id")
    db.execute("DROP INDEX idx_cards_stats")
    db.execute("CREATE INDEX idx_cards_stats ON cards(deck_id, present, suspended, position, due, repetitions, "
               "interval, easiness, lapses, new_rank, buried_until)")
    db.execute("DROP INDEX idx_cards_new")
    db.execute("CREATE INDEX idx_cards_new ON cards(deck_id, new_rank, position, due, present, suspended, "
               "buried_until) WHERE due IS NULL AND present = 1 AND suspended = 0")
