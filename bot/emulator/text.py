"""Message text as Telegram stores it: HTML parse mode turned into entities, UTF-16 offsets."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import bad_request

Entity = dict[str, Any]

_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG = re.compile(r"<(/?)([^\s>/]*)([^>]*)>")
_ATTRIBUTE = re.compile(r"""([a-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ENTITY_REF = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot);")
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    start: int
    attributes: dict[str, str]


@dataclass
class _HtmlParser:
    source: str
    text: list[str] = field(default_factory=list)
    length: int = 0
    entities: list[Entity] = field(default_factory=list)
    open_tags: list[_OpenTag] = field(default_factory=list)

    def parse(self) -> tuple[str, list[Entity]]:
        position = 0
        while (tag := _TAG.search(self.source, position)) is not None:
            self._append(position, tag.start())
            self._handle_tag(tag)
            position = tag.end()
        self._append(position, len(self.source))
        if self.open_tags:
            name = self.open_tags[-1].name
            raise _cant_parse(f'Can\'t find end tag corresponding to start tag "{name}"')
        return "".join(self.text), sorted(self.entities, key=lambda e: (e["offset"], -e["length"]))

    def _append(self, start: int, stop: int) -> None:
        chunk = self.source[start:stop]
        if "<" in chunk:
            self._fail_start_tag("", start + chunk.index("<"))
        decoded = _ENTITY_REF.sub(lambda m: html.unescape(m.group(0)), chunk)
        self.text.append(decoded)
        self.length += utf16_len(decoded)

    def _handle_tag(self, tag: re.Match[str]) -> None:
        closing, name = tag.group(1) == "/", tag.group(2).lower()
        if closing:
            self._close(name, tag.start())
            return
        if name not in _TAG_ENTITY:
            self._fail_start_tag(name, tag.start())
        attributes = {
            m.group(1): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            for m in _ATTRIBUTE.finditer(tag.group(3))
        }
        if name == "span" and attributes.get("class") != "tg-spoiler":
            self._fail_start_tag(name, tag.start())
        self.open_tags.append(_OpenTag(name, self.length, attributes))

    def _close(self, name: str, at: int) -> None:
        offset = _byte_offset(self.source, at)
        if not self.open_tags:
            raise _cant_parse(f"Unexpected end tag at byte offset {offset}")
        opened = self.open_tags.pop()
        if opened.name != name:
            raise _cant_parse(
                f'Unmatched end tag at byte offset {offset}, expected "</{opened.name}>", '
                f'found "</{name}>"'
            )
        if self.length > opened.start:
            self.entities.append(_entity(opened, self.length - opened.start))

    def _fail_start_tag(self, name: str, at: int) -> None:
        offset = _byte_offset(self.source, at)
        raise _cant_parse(f'Unsupported start tag "{name}" at byte offset {offset}')


def _entity(tag: _OpenTag, length: int) -> Entity:
    entity: Entity = {"type": _TAG_ENTITY[tag.name], "offset": tag.start, "length": length}
    if tag.name == "a":
        entity["url"] = tag.attributes.get("href", "")
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attributes.get("emoji-id", "")
    elif tag.name == "blockquote" and "expandable" in tag.attributes:
        entity["type"] = "expandable_blockquote"
    return entity


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _cant_parse(reason: str) -> Exception:
    return bad_request(f"can't parse entities: {reason}")


def format_text(
    source: str, parse_mode: str | None, entities: list[Entity] | None
) -> tuple[str, list[Entity]]:
    """The text and entities Telegram would store; Markdown modes are kept verbatim."""
    if parse_mode is not None and parse_mode.lower() == "html":
        text, parsed = _HtmlParser(source).parse()
        return _strip(text, parsed)
    return _strip(source, list(entities or []))


def _strip(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram drops leading and trailing whitespace and shifts entities to match."""
    stripped = text.strip()
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    end = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        stop = min(entity["offset"] + entity["length"] - shift, end)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return stripped, kept


def command_entities(text: str) -> list[Entity]:
    """bot_command entities, as Telegram adds them to what users type."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _COMMAND.finditer(text)
    ]
