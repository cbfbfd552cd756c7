"""Real peers for the e-mail tests: a private Dovecot IMAP server (Debian's dovecot-imapd) in a
temporary directory on a free loopback port, and an SMTP server (aiosmtpd); and a temporary
storage for the encrypted files."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import override_settings

from qorgau.agency_requests.testing import Inbox, smtp_server

DOVECOT = "/usr/sbin/dovecot"
IMAP_USER = "centre"
IMAP_PASSWORD = "imap-secret-Qz7"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Mailbox:
    """The test server's mailbox, reached as a mail client would."""

    port: int
    log: Path

    def _client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(IMAP_USER, IMAP_PASSWORD)
        imap.select("INBOX")
        return imap

    def append(self, raw: bytes) -> None:
        imap = self._client()
        try:
            imap.append("INBOX", None, None, raw)
        finally:
            imap.logout()

    def unseen(self) -> int:
        imap = self._client()
        try:
            _typ, data = imap.uid("SEARCH", "UNSEEN")
            return len(data[0].split())
        finally:
            imap.logout()

    def mark_all_unseen(self) -> None:
        """As after a crash between storing a mail and flagging it \\Seen."""
        imap = self._client()
        try:
            imap.store("1:*", "-FLAGS", "(\\Seen)")
        finally:
            imap.logout()


def _config(root: Path, port: int) -> str:
    if os.geteuid() == 0:  # Dovecot runs its logins and mail access as unprivileged users
        owner = pwd.getpwnam("dovecot")
        login = "dovenull"
    else:
        owner = pwd.getpwuid(os.geteuid())
        login = owner.pw_name
    mail = root / "mail"
    mail.mkdir()
    os.chown(mail, owner.pw_uid, owner.pw_gid)
    (root / "passwd").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}::::::\n")
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = qorgau-test-{port}
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_login_user = {login}
default_internal_user = {owner.pw_name}
first_valid_uid = 0
mail_location = maildir:{mail}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={mail}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {owner.pw_name}
}}
service auth-worker {{
  user = {owner.pw_name}
}}
"""


@pytest.fixture
def dovecot() -> Iterator[Mailbox]:
    """A private Dovecot on 127.0.0.1 (plain IMAP, loopback only), its settings applied."""
    if not os.access(DOVECOT, os.X_OK):
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it)")
    root = Path(tempfile.mkdtemp(prefix="qorgau-dovecot-"))
    root.chmod(0o755)  # the login process runs as another user
    port = _free_port()
    (root / "dovecot.conf").write_text(_config(root, port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    mailbox = Mailbox(port=port, log=root / "dovecot.log")
    try:
        for _ in range(100):
            try:
                mailbox.unseen()
                break
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.1)
        else:
            log = mailbox.log.read_text() if mailbox.log.exists() else ""
            pytest.fail(f"Dovecot did not start:\n{log}")
        with override_settings(
            QORGAU_IMAP_HOST="127.0.0.1",
            QORGAU_IMAP_PORT=port,
            QORGAU_IMAP_SSL="off",
            QORGAU_IMAP_USER=IMAP_USER,
            QORGAU_IMAP_PASSWORD=IMAP_PASSWORD,
            QORGAU_IMAP_FOLDER="INBOX",
        ):
            yield mailbox
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mail() -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1; what the centre sends arrives in `mail.messages`."""
    for inbox, port in smtp_server():
        with override_settings(
            QORGAU_SMTP_HOST="127.0.0.1", QORGAU_SMTP_PORT=port, QORGAU_MAIL_FROM="111@centre.kz"
        ):
            yield inbox


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    return tmp_path / "files"
