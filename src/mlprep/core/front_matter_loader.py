"""PyYAML's loader for a deck's front matter, in its own module so that :mod:`mlprep.core.deck_format` imports
PyYAML (~28 ms) only when it reads a header its plain-line reader cannot (issue 16: a start whose deck files
are unchanged parses nothing and imports no YAML)."""

from __future__ import annotations

import yaml


class FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader without anchors and aliases: a few hundred bytes of nested aliases expand to
    gigabytes ("billion laughs"), and a deck header never needs them."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a deck header",
                                              event.start_mark)
        if self.check_event(yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            if getattr(event, "anchor", None) is not None:
                raise yaml.composer.ComposerError(None, None, "anchors (&name) are not allowed in a deck header",
                                                  event.start_mark)
        return super().compose_node(parent, index)  # type: ignore[arg-type]
