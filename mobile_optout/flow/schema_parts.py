"""JSON Schema pieces shared by the flow schema (``flow/schema.py``) and the step kinds'
own fragments (``mobile_optout.steps``): references into ``$defs``, and the value shapes
several keys use."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]


def ref(name: str) -> JSON:
    return {"$ref": f"#/$defs/{name}"}


def string(description: str, **extra: Any) -> JSON:
    return {"type": "string", "description": description, **extra}


BOOL_LIKE: JSON = {
    "description": "On or off: true/false, or the words on/off (YAML 1.1 booleans).",
    "anyOf": [{"type": "boolean"}, {"enum": ["on", "off", "true", "false"]}],
}

DESIRED: JSON = {
    "description": "The state to reach: on/off, or (for a choice) the name of an option.",
    "anyOf": [*BOOL_LIKE["anyOf"], {"type": "string", "description": "A choice's option."}],
}

SECONDS: JSON = {"type": "number", "exclusiveMinimum": 0}
