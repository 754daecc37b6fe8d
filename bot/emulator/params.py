"""Request parameters as the Bot API accepts them: query string, urlencoded, multipart or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from bot.emulator.errors import bad_request


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    content: bytes
    filename: str
    content_type: str


Raw = str | int | float | bool | list[Any] | dict[str, Any] | UploadedFile | None


class Params:
    """Typed access to one call's parameters; remembers the typed values for `ApiCall.params`."""

    def __init__(self, raw: dict[str, Raw]) -> None:
        self._raw = raw
        self._typed: dict[str, Any] = {}

    def __contains__(self, name: str) -> bool:
        return self._raw.get(name) is not None

    def recorded(self) -> dict[str, Any]:
        """Every parameter, typed where a handler read it, raw otherwise."""
        return {name: self._typed.get(name, value) for name, value in self._raw.items()}

    def _keep(self, name: str, value: Any) -> Any:
        self._typed[name] = value
        return value

    def string(self, name: str, default: str | None = None) -> str | None:
        value = self._raw.get(name)
        if value is None:
            return default
        if isinstance(value, UploadedFile | dict | list):
            raise bad_request(f'field "{name}" must be of type String')
        text = value if isinstance(value, str) else json.dumps(value)
        return str(self._keep(name, text))

    def required_string(self, name: str, empty_reason: str | None = None) -> str:
        value = self.string(name)
        if not value:
            raise bad_request(empty_reason or f"{name} is empty")
        return value

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self._raw.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise bad_request(f'field "{name}" must be of type Integer')
        try:
            number = int(value)
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None
        return int(self._keep(name, number))

    def required_integer(self, name: str) -> int:
        value = self.integer(name)
        if value is None:
            raise bad_request(f"{name} is empty")
        return value

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self._raw.get(name)
        if value is None or value == "":
            return default
        flag = value is True or (isinstance(value, str) and value.lower() in ("true", "1"))
        return bool(self._keep(name, flag))

    def json_value(self, name: str) -> Any:
        """An object parameter; PTB sends these as JSON strings inside form fields."""
        value = self._raw.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return self._keep(name, value)

    def file(self, name: str) -> UploadedFile | str | None:
        """A file_id or URL string, or the uploaded part (directly or via attach://)."""
        value = self._raw.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = self._raw.get(value.removeprefix("attach://"))
        if value is None or isinstance(value, UploadedFile | str):
            return self._keep(name, value) if value is not None else None
        raise bad_request(f"wrong {name} specified")


async def read_params(request: web.Request) -> Params:
    raw: dict[str, Raw] = dict(request.query)
    if request.method == "POST" and request.body_exists:
        raw.update(await _read_body(request))
    return Params(raw)


async def _read_body(request: web.Request) -> dict[str, Raw]:
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except json.JSONDecodeError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("JSON request body must be an object")
        return body
    if request.content_type == "multipart/form-data":
        return await _read_multipart(request)
    form = await request.post()
    return {name: value for name, value in form.items() if isinstance(value, str)}


async def _read_multipart(request: web.Request) -> dict[str, Raw]:
    fields: dict[str, Raw] = {}
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        data = await part.read()
        if part.filename is not None:
            content_type = part.headers.get("Content-Type", "application/octet-stream")
            fields[part.name] = UploadedFile(bytes(data), part.filename, content_type)
        else:
            fields[part.name] = data.decode(part.get_charset("utf-8"))
    return fields
