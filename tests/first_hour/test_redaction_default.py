"""The member's name is redacted by default: in every stored file of a run of the flow that
`init` writes (it declares identity:), and of a run of a flow without identity: (the
common places, results.redact.COMMON_IDENTITY, are learned from the stored page source).
Both runs fail on a screen that shows the name, so that the page source, the reports and
the history all hold that screen. What README.md promises: names are redacted once a
screen has shown them where identity: (or a common place) says; screenshots are pixels
and are not redacted."""

from __future__ import annotations

import re
from pathlib import Path

from first_hour.conftest import Invoke

MEMBER = "Alex Example"  # the simulated LinkedIn's signed-in member
FAILING = '  - tap: "No such button"\n    timeout: 0.5\n'


def variants(folder: Path) -> tuple[Path, Path]:
    """The init template, failing on the side menu (which shows the member's picture and
    name): once as written, once without its identity: block."""
    text = (folder / "flows" / "example.yaml").read_text(encoding="utf-8")
    text = text.replace('  - tap: "My Profile and Communities"\n',
                        '  - tap: "My Profile and Communities"\n' + FAILING)
    with_id = folder / "flows" / "with-identity.yaml"
    with_id.write_text(text.replace("name: example-", "name: with-id-"), encoding="utf-8")
    without = re.sub(r"identity:.*\n(  - .*\n)+", "", text)
    assert "identity" not in without
    no_id = folder / "flows" / "without-identity.yaml"
    no_id.write_text(without.replace("name: example-", "name: no-id-"), encoding="utf-8")
    return with_id, no_id


def test_no_stored_file_holds_the_members_name(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("init").code == 0
    with_id, no_id = variants(tmp_path)
    shown = invoke("run", str(with_id), str(no_id), "--device", "sim-android", "-o", "out")
    assert shown.code == 1  # both failed, on the side menu
    assert MEMBER not in shown.out + shown.err
    stored = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    kinds = {p.suffix for p in stored}
    assert {".json", ".xml", ".html", ".log", ".db"} <= kinds  # page sources among the .xml
    for path in stored:
        if path.suffix != ".png":  # screenshots are pixels: the README says so
            assert MEMBER.encode() not in path.read_bytes(), path
    report = (next((tmp_path / "out").glob("*/report.json"))).read_text(encoding="utf-8")
    assert report.count("[name]") >= 2  # the name was there, and redacted, in both results


def test_validate_warns_for_a_flow_without_identity(invoke: Invoke, tmp_path: Path) -> None:
    invoke("init")
    _, no_id = variants(tmp_path)
    template = invoke("validate", "flows/example.yaml")
    assert template.code == 0 and "warning" not in template.err
    shown = invoke("validate", str(no_id))
    assert shown.code == 0  # valid, with a warning
    assert "without-identity.yaml: warning: no identity:" in shown.err


NO_PLACE = """\
mobile-optout: flow
name: no-place
platforms: [android]
app:
  android: {package: com.example.app}
identity: {none: "the pages this flow visits show no name"}
steps:
  - launch
"""


def test_identity_none_is_a_statement_with_a_reason(invoke: Invoke, tmp_path: Path) -> None:
    """identity: {none: why} declares no place on purpose: no warning, the reason kept, and
    only the common places learned (no locator); a bare 'none' says no reason: an error."""
    from mobile_optout.flow import load_flow

    flow = tmp_path / "no-place.yaml"
    flow.write_text(NO_PLACE, encoding="utf-8")
    shown = invoke("validate", str(flow))
    assert shown.code == 0 and "warning" not in shown.err, shown.err
    loaded = load_flow(flow)
    assert loaded.identity == ()
    assert loaded.identity_none == "the pages this flow visits show no name"

    flow.write_text(NO_PLACE.replace('{none: "the pages this flow visits show no name"}',
                                     '{none: ""}'), encoding="utf-8")
    empty = invoke("validate", str(flow))
    assert empty.code == 2 and "identity none must not be empty" in empty.err


def without_identity(text: str) -> str:
    stripped = re.sub(r"(#.*\n)*identity:.*\n(  .*\n)+", "", text)
    assert "identity" not in stripped
    return stripped


def test_the_built_in_catalogue_says_where_the_name_shows(invoke: Invoke, tmp_path: Path
                                                           ) -> None:
    """validate of the whole built-in catalogue warns about no flow: each that opens screens
    says where the member's name shows, or why it declares no place; the warning still
    fires for the same flows without their identity: (a place, and a none)."""
    from mobile_optout.flow import load_flows
    from mobile_optout.flow.builtin import flows_dir
    from mobile_optout.locate import identity_names

    shown = invoke("validate", "builtin:")
    assert shown.code == 0, shown.err
    assert "warning" not in shown.err, shown.err
    flows = load_flows([flows_dir()])
    runs = [f for f in flows if f.unsupported is None]
    assert len(runs) >= 20
    assert [f.name for f in runs if not f.identity and not f.identity_none] == []

    tumblr = next(f for f in flows if f.name == "tumblr-prevent-third-party-sharing")
    (place,) = tumblr.identity  # the blog's name, from its switch's label
    assert identity_names(place, ["Prevent third-party sharing for alexexample"]) == [
        "alexexample"]
    assert identity_names(place, ["Prevent third-party sharing"]) == []

    for name in ("tumblr/prevent-third-party-sharing.yaml", "perplexity/data-retention.yaml"):
        copy = tmp_path / Path(name).name
        copy.write_text(without_identity((flows_dir() / name).read_text(encoding="utf-8")),
                        encoding="utf-8")
        warned = invoke("validate", str(copy))
        assert warned.code == 0, warned.err
        assert f"{copy.name}: warning: no identity:" in warned.err
