"""Redaction: what leaves the device (page sources, logs, reports) without personal data.

``Redactor.text`` replaces, in this order: secret values (``[secret]``), credentials in
URLs, e-mail addresses (``[email]``), phone numbers (``[phone]``) and the account's own
name (``[name]``). ``Redactor.xml`` does the same to a page source while keeping it
well-formed: it parses the XML and redacts attribute values and text, never markup.

Limits, on purpose:
- Secrets shorter than ``MIN_SECRET`` characters are ignored: replacing every "ab"
  would destroy the evidence and protect nothing.
- A phone number must look like one: ``+`` and 7-15 digits in groups, or a national
  form with separators (``(555) 123-4567``, ``555-123-4567``, ``020 7946 0958``).
  Versions (``9.1.23``), bounds (``[0,0][1080,2400]``) and bare digit ids stay.
- Screenshots are pixels: nothing here can redact them (see ``--no-screenshots``).

The account's name is learned from the flow's ``identity:`` locators as screens show it
(device.py), and, for every flow, from each stored page source before it is redacted:
``COMMON_IDENTITY`` are the places most apps put it (an image described "<name> profile
picture" or "Profile picture of <name>", a "Signed in as <name>" line). Costs no command.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from mobile_optout.values import redact_url

MIN_SECRET = 4
MIN_NAME_PART = 3

SECRET = "[secret]"
EMAIL = "[email]"
PHONE = "[phone]"
NAME = "[name]"

# Every repetition is bounded (an address's parts have maximum lengths anyway): an
# unbounded one makes a megabyte of letters on a screen take hours to scan.
_EMAIL_RE = re.compile(
    r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}")
# scheme://user[:password]@  -> scheme://
_URL_CREDS_RE = re.compile(
    r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]{0,31}://)[^/\s@:]{1,256}(?::[^/\s@]{0,256})?@")
# Digits are never glued to letters, digits, dots or commas on either side, so that
# version numbers, bounds and ids are left alone.
_EDGE_L = r"(?<![\w.,\[])"
_EDGE_R = r"(?![\w\]]|[.,]\d)"
_PHONE_RES = (
    # international: +44 20 7946 0958, +1 (555) 123-4567, +33612345678
    re.compile(_EDGE_L + r"\+\d{1,3}(?:[ \-]?\(?\d{1,4}\)?){1,5}[ \-]?\d{2,4}" + _EDGE_R),
    # North American: (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567
    re.compile(_EDGE_L + r"(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}" + _EDGE_R),
    # trunk prefix 0: 020 7946 0958, 06 12 34 56 78, 0171-1234567
    re.compile(_EDGE_L + r"0\d{1,4}(?:[ \-/]\d{2,8}){1,5}" + _EDGE_R),
)


def _digits(s: str) -> int:
    return sum(c.isdigit() for c in s)


# The account's own name where most apps show it: group 1 is the name.
COMMON_IDENTITY = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"^(.+?)(?:'s)? profile (?:picture|photo|image)$",
    r"^profile (?:picture|photo|image) (?:of|for) (.+)$",
    r"^(?:signed|logged) in as (.+)$",
))


class Redactor:
    """Replaces secrets, e-mails, phone numbers and the account's name in text."""

    def __init__(self, secrets: Iterable[str] = (), names: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._names: set[str] = set()
        self._name_re: re.Pattern[str] | None = None
        for s in secrets:
            self.add_secret(s)
        for n in names:
            self.add_name(n)

    def add_secret(self, value: str) -> None:
        """Redact this exact value (a password, a token) from now on."""
        if len(value) >= MIN_SECRET:
            self._secrets.add(value)

    def add_name(self, value: str) -> None:
        """Redact this person's name: the full name and each part of 3+ letters."""
        full = " ".join(value.split())
        if not full:
            return
        parts = [p for p in full.split(" ") if len(p) >= MIN_NAME_PART]
        if len(full) >= MIN_NAME_PART:
            self._names.add(full)
        self._names.update(parts)
        # Longest first so "Ada Lovelace" wins over "Ada"; whitespace inside may vary.
        ordered = sorted(self._names, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, n.split(" "))) for n in ordered)
        self._name_re = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    # ------------------------------------------------------------------ text

    def text(self, s: str) -> str:
        """The text with secrets, URL credentials, e-mails, phones and names replaced."""
        s = self._redact_secrets(s)
        s = _URL_CREDS_RE.sub(lambda m: m.group("scheme"), s)
        s = _EMAIL_RE.sub(EMAIL, s)
        for pattern in _PHONE_RES:
            s = pattern.sub(_phone_or_keep, s)
        if self._name_re is not None:
            s = self._name_re.sub(NAME, s)
        return s

    def _redact_secrets(self, s: str) -> str:
        # A replacement can form a new occurrence at its edge ("t]" + "x"), so repeat
        # until none is left (bounded: each pass removes at least one character).
        ordered = sorted(self._secrets, key=len, reverse=True)
        for _ in range(8):
            hit = False
            for secret in ordered:
                if secret in s:
                    s = s.replace(secret, SECRET)
                    hit = True
            if not hit:
                break
        return s

    def url(self, s: str) -> str:
        """The URL without user name and password (``https://u:k@h/p`` -> ``https://h/p``)."""
        try:
            urlsplit(s)
        except ValueError:
            return _URL_CREDS_RE.sub(lambda m: m.group("scheme"), s)
        return redact_url(s)

    # ------------------------------------------------------------------ xml

    def xml(self, source: str) -> str:
        """A page source, redacted inside attribute values and text only.

        The result is parseable whenever the input was. Input that is not XML is
        redacted as plain text (there is no structure left to protect).
        """
        from lxml import etree  # only when a page source is stored: start-up stays light

        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        try:
            root = etree.fromstring(source.encode("utf-8"), parser)
        except (etree.XMLSyntaxError, ValueError):
            return self.text(source)
        for el in root.iter():  # first learn the name where apps commonly show it
            for value in (*el.attrib.values(), el.text or ""):
                for pattern in COMMON_IDENTITY:
                    if (m := pattern.match(str(value).strip())) is not None:
                        self.add_name(m.group(1))
        for el in root.iter():
            if isinstance(el.tag, str):
                for key, value in el.attrib.items():
                    el.set(key, self.text(str(value)))
            if el.text:
                el.text = self.text(el.text)
            if el.tail:
                el.tail = self.text(el.tail)
        body: bytes = etree.tostring(root, encoding="utf-8")
        declaration = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
        return (declaration if source.lstrip().startswith("<?xml") else "") + body.decode()


def _phone_or_keep(m: re.Match[str]) -> str:
    digits = _digits(m.group(0))
    return PHONE if 7 <= digits <= 15 else m.group(0)
