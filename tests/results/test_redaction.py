"""Redaction: personal data and secrets never reach page sources, logs or reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mobile_optout.results.redact import Redactor

PLACEHOLDERS = "[secret][email][phone][name]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call +44 20 7946 0958 now", "call [phone] now"),
        ("US (555) 123-4567 or 555-123-4567", "US [phone] or [phone]"),
        ("FR 06 12 34 56 78, DE 0171-1234567", "FR [phone], DE [phone]"),
        ("+33612345678", "[phone]"),
        ("mail ada.l@example.co.uk please", "mail [email] please"),
        ("grid https://bob:k3y@hub.example.com/wd/hub", "grid https://hub.example.com/wd/hub"),
    ],
)
def test_personal_data_is_replaced(text: str, expected: str) -> None:
    assert Redactor().text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "LinkedIn 9.30.2 build 2024.11.29",
        'bounds="[0,0][1080,2400]"',
        "bounds [42,1310][1038,1452]",
        "id 123456789012 urn:li:member:987654321",
        "2026-11-29 03:17:40.000+00:00",
        "com.linkedin.android:id/me_launcher",
        "version 1.2.3.4",
    ],
)
def test_versions_bounds_ids_and_dates_are_kept(text: str) -> None:
    assert Redactor().text(text) == text


def test_names_and_secrets() -> None:
    r = Redactor(secrets=["hunter2-secret"], names=["Ada  Lovelace"])
    text = "Hi ADA! ada lovelace / Lovelace, Adam and Adalbert stay; token hunter2-secret"
    assert r.text(text) == "Hi [name]! [name] / [name], Adam and Adalbert stay; token [secret]"


def test_secrets_and_names_can_be_added_later() -> None:
    r = Redactor()
    r.add_secret("s3cr3t-value")
    r.add_name("Grace Hopper")
    assert r.text("grace: s3cr3t-value") == "[name]: [secret]"


def test_short_values_are_not_treated_as_secrets_or_names() -> None:
    r = Redactor(secrets=["ab"], names=["Li Wu"])
    assert r.text("about Li Wu") == "about [name]"  # the full name, not "ab" nor "Li"


def test_url_strips_credentials_only() -> None:
    r = Redactor()
    assert r.url("https://user:key@hub.example.com:4444/wd/hub?x=1") == (
        "https://hub.example.com:4444/wd/hub?x=1"
    )
    assert r.url("http://127.0.0.1:4723") == "http://127.0.0.1:4723"


def test_xml_page_source_stays_well_formed() -> None:
    r = Redactor(secrets=["pa<ss&word"], names=["Ada Lovelace"])
    source = (
        '<?xml version="1.0" encoding="UTF-8"?><hierarchy>'
        '<node text="Ada Lovelace &lt;ada@example.com&gt;" bounds="[0,0][1080,2400]">'
        "pa&lt;ss&amp;word<!-- +44 20 7946 0958 --></node></hierarchy>"
    )
    out = r.xml(source)
    root = ET.fromstring(out.encode())
    node = root.find("node")
    assert node is not None
    assert node.get("text") == "[name] <[email]>"
    assert node.get("bounds") == "[0,0][1080,2400]"
    assert node.text == "[secret]"
    assert "7946" not in out


def test_xml_that_is_not_xml_is_redacted_as_text() -> None:
    assert Redactor().xml("<oops ada@example.com") == "<oops [email]"


_secret_chars = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
secrets_st = st.text(_secret_chars, min_size=4, max_size=24)
filler_st = st.text(_secret_chars, max_size=40)
emails_st = st.from_regex(r"[a-z][a-z0-9._]{0,10}@[a-z]{2,10}\.(com|org|de)", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(secret=secrets_st, before=filler_st, after=filler_st)
def test_text_never_contains_the_secret(secret: str, before: str, after: str) -> None:
    assume(secret.strip() and secret not in PLACEHOLDERS)
    out = Redactor(secrets=[secret]).text(before + secret + after)
    assert secret not in out


@settings(max_examples=200, deadline=None)
@given(email=emails_st, before=filler_st, after=filler_st)
def test_text_never_contains_the_email(email: str, before: str, after: str) -> None:
    out = Redactor().text(f"{before} {email} {after}")
    assert email not in out


_xml_chars = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"),
                           exclude_characters="\ufffe\uffff")


@settings(max_examples=200, deadline=None)
@given(
    secret=st.text(_xml_chars, min_size=4, max_size=20),
    email=emails_st,
    text=st.text(_xml_chars, max_size=30),
)
def test_xml_stays_parseable_and_loses_secret_and_email(secret: str, email: str, text: str) -> None:
    skeleton = "<hierarchy><node text= bounds=[0,0][1080,2400]></node></hierarchy>"
    assume(secret.strip() and secret not in PLACEHOLDERS and secret not in skeleton)
    source = (
        f"<hierarchy><node text={quoteattr(text + secret)} bounds=\"[0,0][1080,2400]\">"
        f"{escape(email + ' ' + text + secret)}</node></hierarchy>"
    )
    ET.fromstring(source.encode())  # the input is well-formed
    out = Redactor(secrets=[secret]).xml(source)
    root = ET.fromstring(out.encode())  # and so is the output
    values = [root.find("node").get("text", ""), root.find("node").text or ""]  # type: ignore[union-attr]
    assert all(secret not in v and email not in v for v in values)
    assert secret not in out
