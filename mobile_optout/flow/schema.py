"""The flow format as JSON Schema (draft 2020-12), for editors (yaml-language-server).

Written by hand as data, next to the compiler that enforces the same rules; each step
kind's payload schema is its own fragment (``mobile_optout.steps``, one table), so a kind
cannot exist without one, and tests/flow/test_schema_agrees.py proves every key set,
choice and name pattern equal to the compiler's constants (only the prose is kept here
alone). The compiler stays the authority: the schema cannot say everything (for example
that every ${NAME} is declared).

``schema/flow.schema.json`` in the repository is ``mobile-optout schema`` output.
"""

from __future__ import annotations

from typing import Any

from mobile_optout.flow import model
from mobile_optout.flow.schema_parts import DESIRED as _DESIRED
from mobile_optout.flow.schema_parts import JSON
from mobile_optout.flow.schema_parts import SECONDS as _SECONDS
from mobile_optout.flow.schema_parts import ref as _ref
from mobile_optout.flow.schema_parts import string as _string
from mobile_optout.steps import REGISTRY

SCHEMA_ID = "https://github.com/mobile-optout/mobile-optout/schema/flow.schema.json"



_LOCATOR_STRINGS: dict[str, str] = {
    "accessibility_id": "Accessibility id: Android content-desc, iOS accessibility "
    "identifier, web accessible name (aria-label).",
    "id": "Android resource-id (with or without the package prefix).",
    "class": "Element class, e.g. android.widget.Switch or XCUIElementTypeSwitch.",
    "xpath": "XPath over the page source (slow; prefer text or ids).",
    "android_uiautomator": "UiAutomator selector, e.g. new UiSelector().text(\"Settings\").",
    "ios_predicate": "iOS predicate string, e.g. label CONTAINS 'Privacy'.",
    "ios_class_chain": "iOS class chain, e.g. **/XCUIElementTypeSwitch[`label == 'x'`].",
    "css": "Web: a CSS selector, answered by the browser, e.g. input[role=switch].",
    "role": "Web: an ARIA role, explicit or implied by the tag (button, link, switch, "
    "checkbox...); add name: to match its accessible name.",
}


def _locator() -> JSON:
    families: list[JSON] = [
        {"required": ["text"]},
        *({"required": [k]} for k in _LOCATOR_STRINGS),
        {"required": ["any"]},
        {"required": ["switch_for"]},
        {"anyOf": [{"required": ["android"]}, {"required": ["ios"]}, {"required": ["web"]}]},
    ]
    properties: JSON = {
        "text": {
            "description": "Visible text. A string matches exactly (case-insensitive, "
            "whitespace collapsed); or one of exact/contains/regex.",
            "oneOf": [{"type": "string"}, _ref("textMatch"), _ref("localizedText")],
        },
        **{k: _string(d) for k, d in _LOCATOR_STRINGS.items()},
        "any": {
            "description": "Alternatives, tried in order; the first that matches wins.",
            "type": "array", "minItems": 1, "items": _ref("locator"),
        },
        "switch_for": {
            "description": "The switch/toggle/checkbox in the same row as the element "
            "this locator finds (its label).",
            **_ref("locator"),
        },
        "android": {"description": "The locator on Android.", **_ref("locator")},
        "ios": {"description": "The locator on iOS.", **_ref("locator")},
        "web": {"description": "The locator on web pages.", **_ref("locator")},
        "name": {
            "description": "With role: the accessible name (aria-label, its <label>, or its "
            "text). A string matches exactly; or one of exact/contains/regex.",
            "oneOf": [{"type": "string"}, _ref("textMatch"), _ref("localizedText")],
        },
        "index": {
            "description": "Which match to take when several match (0 = the first).",
            "type": "integer", "minimum": 0,
        },
    }
    return {
        "description": "Finds one element: a string (exact text) or a mapping with exactly "
        "one way to find it.",
        "oneOf": [
            {"type": "string", "minLength": 1, "description": "Exact visible text."},
            {
                "type": "object",
                "properties": properties,
                "additionalProperties": False,
                "dependentRequired": {"name": ["role"]},
                "oneOf": families,
            },
        ],
    }


_TEXT_MATCH: JSON = {
    "description": "How text is compared: exactly one of exact, contains, regex.",
    "type": "object",
    "properties": {
        "exact": _string("The whole text, case-insensitive unless case_sensitive."),
        "contains": _string("A part of the text."),
        "regex": _string("A Python regular expression, searched in the text."),
        "case_sensitive": {"type": "boolean", "description": "Compare case (default false)."},
    },
    "additionalProperties": False,
    "oneOf": [{"required": ["exact"]}, {"required": ["contains"]}, {"required": ["regex"]}],
}

_CONDITION: JSON = {
    "description": "Run the step only when all given parts hold (checked once, when the "
    "step is reached).",
    "type": "object",
    "properties": {
        "platform": {"description": "Only on this platform.", "enum": ["android", "ios", "web"]},
        "visible": {"description": "Only when this element is on screen.", **_ref("locator")},
        "not_visible": {"description": "Only when this element is not on screen.",
                        **_ref("locator")},
        "param": {
            "description": "Only when the variable NAME has this value: {NAME: value}.",
            "type": "object", "minProperties": 1, "maxProperties": 1,
            "additionalProperties": {"type": ["string", "number", "boolean"]},
        },
    },
    "additionalProperties": False,
    "minProperties": 1,
}

_COMMON: JSON = {
    "label": _string("What the step does, in the report."),
    "optional": {"type": "boolean",
                 "description": "true: skip the step when its target is missing "
                 "(same as if_missing: skip)."},
    "if_missing": {
        "description": "When the target is not found by the deadline: fail the flow "
        "(default), skip the step, or end the flow as not_offered / blocked.",
        "enum": [i.value for i in model.IfMissing],
    },
    "timeout": {"description": "Seconds to wait for the target (default: the device's).",
                "type": "number", "exclusiveMinimum": 0},
    "when": _ref("condition"),
    "resembles": {
        "description": "With if_missing: not_offered: words that make a text on the page look "
        "like the setting (e.g. \"generative AI\"); a look-alike fails the flow, naming it, "
        "instead of ending it as not_offered.",
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
    },
}

def _step() -> JSON:
    variants: list[JSON] = [{
        "description": "A step without a value.",
        "enum": [k.key for k in REGISTRY.values() if k.bare],
    }]
    for kind, step_kind in REGISTRY.items():  # each kind's own fragment (mobile_optout.steps)
        description, payload = step_kind.description, step_kind.schema
        variants.append({
            "type": "object",
            "description": description,
            "properties": {kind: {"description": description, **payload}, **_COMMON},
            "required": [kind],
            "additionalProperties": False,
        })
    return {
        "description": "One step: a bare kind (launch, back) or a mapping with exactly one "
        "kind key plus the common keys label, optional, if_missing, timeout, when, resembles.",
        "oneOf": variants,
    }


_NAMED_LOCATORS: JSON = {
    "interrupts": {
        "description": "Screens that may appear at any time, and the tap that dismisses them.",
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "name": _string("For the report."),
                "when": {"description": "The screen is there when this is visible.",
                         **_ref("locator")},
                "tap": {"description": "What to tap to dismiss it.", **_ref("locator")},
            },
            "required": ["name", "when", "tap"],
            "additionalProperties": False,
        },
    },
    "blockers": {
        "description": "Screens that mean the flow cannot go on (a sign-in wall): the flow "
        "ends as blocked.",
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "name": _string("For the report."),
                "when": {"description": "The screen is there when this is visible.",
                         **_ref("locator")},
            },
            "required": ["name", "when"],
            "additionalProperties": False,
        },
    },
    "loading": {
        "description": "Texts that say a page is still loading, besides spinners, progress "
        "bars and \"Loading...\": a setting is read, and judged absent, only when none shows.",
        "oneOf": [_ref("locator"), {"type": "array", "items": _ref("locator")}],
    },
}

_LANGUAGE = "^[a-z]{2}$"
_LOCALIZED_TEXT: JSON = {
    "description": "A text in several languages: {key: NAME} (an entry of strings:), or "
    "{en: ..., de: ...} (each a text, or null where none is known: English is used).",
    "type": "object",
    "oneOf": [
        {"properties": {"key": _string("An entry of the strings: table.")},
         "required": ["key"], "additionalProperties": False},
        {"propertyNames": {"pattern": _LANGUAGE}, "required": ["en"],
         "additionalProperties": {"oneOf": [{"type": "string"}, _ref("textMatch"),
                                            {"type": "null"}]}},
    ],
}
_L10N: JSON = {
    "languages": {
        "description": "The languages this file's texts are given in (two-letter codes; "
        "en is always one).",
        "type": "array", "items": {"type": "string", "pattern": _LANGUAGE},
    },
    "strings": {
        "description": "Texts per language: key -> {en: ..., de: ...} (null: none known, "
        "English is used); or the path of a strings file (mobile-optout: strings).",
        "oneOf": [
            {"type": "string"},
            {"type": "object",
             "additionalProperties": {
                 "type": "object", "propertyNames": {"pattern": _LANGUAGE},
                 "required": ["en"],
                 "additionalProperties": {"oneOf": [{"type": "string"}, _ref("textMatch"),
                                                    {"type": "null"}]}}},
        ],
    },
}

_PARAMS: JSON = {
    "description": "Variables used as ${NAME}, with defaults; --param NAME=V and then the "
    "environment variable NAME override them.",
    "type": "object",
    "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
    "additionalProperties": {
        "oneOf": [
            {"type": ["string", "number", "boolean"], "description": "The default."},
            {
                "type": "object",
                "description": "A default and the only values the param may take.",
                "properties": {
                    "default": {"type": ["string", "number", "boolean"]},
                    "choices": {"type": "array", "minItems": 1,
                                "items": {"type": ["string", "number", "boolean"]}},
                },
                "required": ["default"],
                "additionalProperties": False,
            },
        ],
    },
}


def flow_json_schema() -> dict[str, Any]:
    """The JSON Schema of flow and part files (a part: ``mobile-optout: part``)."""
    platform_enum = [p.value for p in model.Platform]
    flow: JSON = {
        "type": "object",
        "properties": {
            "mobile-optout": {"const": "flow", "description": "Marks the file as a flow."},
            "name": _string("The flow's name.", pattern="^[a-z0-9][a-z0-9._-]*$"),
            "description": _string("What the flow does."),
            "platforms": {
                "description": "Where the flow runs: android, ios, web, or several.",
                "oneOf": [
                    {"enum": platform_enum},
                    {"type": "array", "minItems": 1, "uniqueItems": True,
                     "items": {"enum": platform_enum}},
                ],
            },
            "app": {
                "description": "The app on each platform in platforms.",
                "type": "object",
                "properties": {
                    "android": {
                        "type": "object",
                        "properties": {
                            "package": _string("Android package, e.g. com.linkedin.android."),
                            "activity": _string("Launch activity (optional)."),
                        },
                        "required": ["package"],
                        "additionalProperties": False,
                    },
                    "ios": {
                        "type": "object",
                        "properties": {"bundle_id": _string("iOS bundle id.")},
                        "required": ["bundle_id"],
                        "additionalProperties": False,
                    },
                    "web": {
                        "type": "object",
                        "properties": {"url": _string(
                            "The page a launch opens: a path joined to the device's "
                            "base_url (e.g. /feed/), or a full URL.")},
                        "required": ["url"],
                        "additionalProperties": False,
                    },
                },
                "additionalProperties": False,
                "minProperties": 1,
            },
            "tags": {"description": "Labels; they become pytest markers.", "type": "array",
                     "items": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}},
            "settings": {
                "description": "Settings the flow governs, by id.",
                "type": "object",
                "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "desired": _DESIRED,
                        "title": _string("The setting's title in the app."),
                    },
                    "required": ["desired"],
                    "additionalProperties": False,
                },
            },
            "params": _PARAMS,
            "secrets": {
                "description": "Variables whose values come only from the environment and "
                "are never printed.",
                "type": "array",
                "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
            },
            "allow_taps": {
                "description": "Denylisted labels (Sign out, Delete account...) this flow may "
                "tap anyway.",
                "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            },
            "identity": {
                "description": "Where the account's own name shows; redacted when stored. "
                "{none: why}: the flow declares no place of its own, on purpose.",
                "oneOf": [
                    _ref("locator"), {"type": "array", "items": _ref("locator")},
                    {"type": "object",
                     "properties": {"none": _string("Why no place is declared: the pages "
                                                    "the flow visits show no name, or none a "
                                                    "locator can tell from other texts.")},
                     "required": ["none"], "additionalProperties": False},
                ],
            },
            **_NAMED_LOCATORS,
            **_L10N,
            "settle": {"description": "Seconds a changed setting must hold before it counts "
                       "as changed (3).", **_SECONDS},
            "steps": _ref("steps"),
            "catalogue": {
                "description": "What the catalogue of opt-outs lists for this flow "
                "(mobile-optout apps, docs/catalogue.md).",
                "type": "object",
                "properties": {
                    "app": _string("The app's catalogue name (default: the folder's).",
                                   pattern="^[a-z0-9][a-z0-9._-]*$"),
                    "title": _string("The app's name for people."),
                    "control": _string("The control as the app labels it."),
                    "confidence": {"enum": ["H", "M", "L"], "description": "H: an official "
                                   "help page; M: consistent guides; L: one informal report."},
                    "sources": {"description": "Where the facts come from.",
                                "oneOf": [{"type": "string"},
                                          {"type": "array", "items": {"type": "string"}}]},
                    "web": _string("The setting's page on the web."),
                },
                "additionalProperties": False,
            },
            "unsupported": {
                "description": "The app has no control a flow can drive: runs nothing, "
                "reports unsupported (instead of steps).",
                "type": "object",
                "properties": {"reason": _string("Why, for the person."),
                               "page": _string("The official page to go to instead.")},
                "required": ["reason"],
                "additionalProperties": False,
            },
            "privacy_pages": {
                "description": "Pages `mobile-optout scan` reads for switches no flow "
                "covers: each one's name, the navigation steps from a launch (no "
                "ensure_setting) and what shows once it is open.",
                "type": "array", "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {"name": _string("How reports name the page."),
                                   "steps": _ref("steps"),
                                   "anchor": _ref("locator")},
                    "required": ["name", "steps", "anchor"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["mobile-optout", "name", "platforms", "app"],
        "oneOf": [{"required": ["steps"]}, {"required": ["unsupported"]}],
        "additionalProperties": False,
    }
    part: JSON = {
        "type": "object",
        "properties": {
            "mobile-optout": {"const": "part", "description": "Marks the file as a part, "
                              "meant to be included from flows."},
            "description": _string("What the part does."),
            "params": _PARAMS,
            **_NAMED_LOCATORS,
            **_L10N,
            "steps": _ref("steps"),
        },
        "required": ["mobile-optout", "steps"],
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "mobile-optout flow",
        "description": "A flow file (mobile-optout: flow) or a part (mobile-optout: part). "
        "See docs/flow-format.md.",
        "oneOf": [flow, part],
        "$defs": {
            "steps": {"description": "Steps, run in order.", "type": "array", "minItems": 1,
                      "items": _ref("step")},
            "step": _step(),
            "locator": _locator(),
            "textMatch": _TEXT_MATCH,
            "localizedText": _LOCALIZED_TEXT,
            "condition": _CONDITION,
        },
    }
