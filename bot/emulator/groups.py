"""Supergroups: the bot as a member of a group chat, and the people who write in it.

As on Telegram (core.telegram.org/bots/features#privacy-mode), a bot in privacy mode (the
default, and what getMe reports: can_read_all_group_messages false) is sent only the group
messages meant for it: commands, replies to its own messages, and messages that mention it;
made an admin of the group, it is sent them all. Every message is in the chat either way.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.messages import JsonDict, Message
from bot.emulator.state import Chat, EmulatorState, UserProfile
from bot.emulator.users import SimulatedUser


@dataclass
class GroupChat(Chat):
    """A supergroup the bot is in; `profile` is the member who created it."""

    group_id: int = 0
    title: str = "Group"
    members: dict[int, UserProfile] = field(default_factory=dict)
    bot_is_admin: bool = False

    @property
    def chat_id(self) -> int:
        return self.group_id

    def as_chat(self) -> JsonDict:
        return {"id": self.group_id, "type": "supergroup", "title": self.title}


class GroupMember(SimulatedUser):
    """One member writing in the group: what they send, press and see is the group's."""

    def __init__(self, state: EmulatorState, group: GroupChat, profile: UserProfile) -> None:
        super().__init__(state, group)
        self._group = group
        self._member = profile

    @property
    def profile(self) -> UserProfile:
        return self._member

    def _post(self, content: dict[str, Any]) -> Message:
        body = {key: value for key, value in content.items() if value is not None}
        stored = self._group.add_message(self.profile.as_user(), body)
        if self._group.bot_is_admin or _meant_for_bot(self._state, self._group, body):
            self._state.push_update("message", copy.deepcopy(stored.json))
        return stored.snapshot()


class Supergroup:
    """A group chat with the bot in it, for a test to add members to and watch."""

    def __init__(self, state: EmulatorState, chat: GroupChat) -> None:
        self._state = state
        self._chat = chat
        self._members: dict[int, GroupMember] = {}
        self._watcher = SimulatedUser(state, chat)

    @property
    def chat_id(self) -> int:
        return self._chat.chat_id

    def member(
        self,
        telegram_id: int,
        first_name: str = "Member",
        *,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> GroupMember:
        """The member with this id, joining the group on first use."""
        if telegram_id not in self._members:
            profile = UserProfile(telegram_id, first_name, None, username, language_code)
            self._chat.members[telegram_id] = profile
            self._members[telegram_id] = GroupMember(self._state, self._chat, profile)
        return self._members[telegram_id]

    def make_bot_admin(self) -> None:
        """From now on the bot is sent every message in the group, privacy mode or not."""
        self._chat.bot_is_admin = True

    async def next_message(self, timeout: float | None = 5.0) -> Message:  # noqa: ASYNC109
        """The next message the bot sent or edited in the group."""
        return await self._watcher.next_message(timeout)

    @property
    def messages(self) -> list[Message]:
        return self._watcher.messages


def _meant_for_bot(state: EmulatorState, chat: GroupChat, body: JsonDict) -> bool:
    text = body.get("text") or body.get("caption") or ""
    entities = body.get("entities") or body.get("caption_entities") or []
    if any(e.get("type") == "bot_command" and e.get("offset") == 0 for e in entities):
        command = text.split()[0] if text.split() else ""
        _, _, mention = command.partition("@")
        if mention:
            return mention.lower() == state.bot_username.lower()
        # A general command goes to the bot that last wrote in the group: here, the only one.
        return any(message.from_bot for message in chat.messages.values())
    if f"@{state.bot_username}".lower() in text.lower():
        return True
    replied = body.get("reply_to_message") or {}
    return bool(replied.get("from", {}).get("id") == state.bot_id)


def create(
    state: EmulatorState, chat_id: int, title: str, creator: UserProfile
) -> tuple[GroupChat, Supergroup]:
    if chat_id >= 0:
        raise ValueError("group chat ids are negative, supergroups' -100…")
    chat = GroupChat(creator, group_id=chat_id, title=title)
    chat.members[creator.telegram_id] = creator
    state.chats[chat_id] = chat
    return chat, Supergroup(state, chat)
