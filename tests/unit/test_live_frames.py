"""Whatever a client sends over the admin's WebSocket, the frame parser answers with a message or a close code."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from pydotorg.domain.admin.live import CLOSE_MALFORMED, CLOSE_TOO_BIG, MAX_FRAME, OBJECT, parse_frame

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@given(st.text(max_size=MAX_FRAME + 200))
def test_any_text_is_a_message_or_a_close_code(text: str) -> None:
    message, refusal = parse_frame(text)
    assert (message is None) != (refusal is None)
    if refusal is not None:
        assert refusal[0] in {CLOSE_MALFORMED, CLOSE_TOO_BIG} and refusal[1]
    else:
        assert isinstance(message, dict)


@given(json_values)
def test_json_documents_parse_only_when_they_are_objects(value: object) -> None:
    text = json.dumps(value)
    message, refusal = parse_frame(text)
    if len(text) > MAX_FRAME:
        assert refusal == (CLOSE_TOO_BIG, "Message too big.")
    elif isinstance(value, dict):
        assert message == value
    else:
        assert refusal is not None and refusal[0] == CLOSE_MALFORMED


def test_deep_nesting_and_odd_objects_are_refused_not_raised() -> None:
    assert parse_frame("[" * 2000 + "]" * 2000)[1] == (CLOSE_MALFORMED, "Messages are JSON objects.")
    assert parse_frame("x" * (MAX_FRAME + 1))[1] == (CLOSE_TOO_BIG, "Message too big.")
    assert parse_frame('{"type": "edit", "object": "pages.page:1"}')[0] == {"type": "edit", "object": "pages.page:1"}


@given(st.text(max_size=80))
def test_object_names_are_narrow(text: str) -> None:
    found = OBJECT.match(text)
    if found:
        assert text == f"{found.group(1)}.{found.group(2)}:{found.group(3)}"
