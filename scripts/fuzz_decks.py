"""Fuzz the deck parser: every input must give a Deck or a DeckError, quickly (issue 13).

    python scripts/fuzz_decks.py [N] [SEED]      (default 100000 inputs, seed 13)

Inputs are drawn in equal shares from: mutations of the shipped decks (bytes flipped, lines
duplicated, dropped, swapped or truncated, YAML and Markdown specials spliced in), generated front
matter (tags, anchors, aliases, nesting, huge scalars, dates, numbers), and random text. It prints how
many inputs raised anything but DeckError (the target is 0), the slowest input's time, and writes the
first few offending inputs to /tmp/fuzz-decks-*.md for a test.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from mlprep.core.deck_format import DeckError, parse_deck

DECKS = Path(__file__).resolve().parents[1] / "decks"
SPECIALS = ["---", "## ", "Q: ", "A: ", "```", "````", "~~~", "$", "$$", "\\", "&a ", "*a", "!!float ", "!!python/",
            "[", "]", "{", "}", ": ", "- ", "|", ">", "'", '"', "\t", "\x00", "\ufeff", "\u2028", "%YAML 1.1", "? ",
            "tags: ", "source: ", "leaf: ", "area: ", "title: ", "_line_x: ", "2001-02-30", "9" * 50, "\r\n"]


def mutate(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 6)):
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        op = rng.randrange(6)
        if op == 0:
            lines.insert(i, rng.choice(SPECIALS) + rng.choice(SPECIALS) + "\n")
        elif op == 1:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        elif op == 2:
            lines.insert(i, lines[i] * rng.randint(1, 3))
        elif op == 3:
            del lines[i]
        elif op == 4:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            k = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:k] + rng.choice(SPECIALS) + lines[i][k:]
    return "".join(lines)


def front_matter(rng: random.Random) -> str:
    keys = ["title", "area", "leaf", "tags", "a", "b"]
    values = ["T", "sql", '"1.1"', "1.1", "[x, y]", "&a [x, *a]", "*a", "!!float x", "2001-02-30", "9" * 5000,
              "[" * rng.randint(1, 50) + "]" * rng.randint(0, 50), "{a: {b: {c: d}}}", "|\n  block", "null", "~"]
    body = "".join(f"{rng.choice(keys)}: {rng.choice(values)}\n" for _ in range(rng.randint(0, 6)))
    return f"---\n{body}---\n\n## c-one\nsource: s\n\nQ: q\n\nA: a\n"


def random_text(rng: random.Random) -> str:
    alphabet = "-:#QA \n`$[]{}&*!abc\\\t\u00e9\u2028"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))


def main(n: int = 100_000, seed: int = 13) -> int:
    rng = random.Random(seed)
    sources = [p.read_text(encoding="utf-8") for p in sorted(DECKS.glob("*.md"))]
    bad: list[tuple[str, str]] = []
    slowest = (0.0, "")
    start = time.perf_counter()
    for i in range(n):
        kind = i % 3
        text = mutate(rng.choice(sources), rng) if kind == 0 else front_matter(rng) if kind == 1 else random_text(rng)
        t = time.perf_counter()
        try:
            parse_deck(text, "decks/fuzz.md")
        except DeckError:
            pass
        except Exception as exc:
            bad.append((f"{type(exc).__name__}: {exc}", text))
        elapsed = time.perf_counter() - t
        if elapsed > slowest[0]:
            slowest = (elapsed, text[:80])
    for k, (_, text) in enumerate(bad[:5]):
        Path(f"/tmp/fuzz-decks-{k}.md").write_text(text, encoding="utf-8")
    total = time.perf_counter() - start
    print(f"{n} inputs (seed {seed}) in {total:.0f} s: {len(bad)} raised something other than DeckError; "
          f"slowest {1000 * slowest[0]:.1f} ms")
    for message in sorted({m for m, _ in bad})[:10]:
        print("  ", message[:200])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
