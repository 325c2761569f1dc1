"""A config file that is not UTF-8 is one line naming the file, not a traceback."""

from __future__ import annotations

import pytest

from config.catalogue import CatalogueError, load_catalogue
from config.events import EventsError, load_events
from config.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("read", "error"),
    [
        (lambda path: load_settings(environ={}, env_file=path), SettingsError),
        (load_catalogue, CatalogueError),
        (load_events, EventsError),
    ],
    ids=["env", "catalogue", "events"],
)
def test_a_file_in_another_encoding_is_one_line(tmp_path, read, error):
    path = tmp_path / "latin1.txt"
    path.write_bytes("title = 'Prüfung'\n".encode("latin-1"))
    with pytest.raises(error) as caught:
        read(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "byte" in message and "\n" not in message
