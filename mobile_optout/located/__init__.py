"""Located YAML: files read into nodes that remember their ``path:line:col``, and the
``Reader`` that turns them into the tool's objects with every problem named by place.

    read_source / parse / load_raw      a file -> Source and raw nodes (nodes.py)
    Reader                              shared checks: mapping, keys, required (reader.py)
    did_you_mean, raise_all, expand     one of each, for every kind of file

Used by flows and parts (flow.compile), devices files (devices) and the simulator's app
files (sim.apps). Imports nothing of the tool's but ``errors``.
"""

from mobile_optout.errors import did_you_mean
from mobile_optout.located.nodes import (
    RawMap,
    RawNode,
    RawScalar,
    RawSeq,
    Source,
    describe,
    load_raw,
    parse,
    read_source,
)
from mobile_optout.located.reader import (
    YAML_SUFFIXES,
    Reader,
    display_path,
    expand,
    raise_all,
)

__all__ = [
    "YAML_SUFFIXES",
    "RawMap",
    "RawNode",
    "RawScalar",
    "RawSeq",
    "Reader",
    "Source",
    "describe",
    "did_you_mean",
    "display_path",
    "expand",
    "load_raw",
    "parse",
    "raise_all",
    "read_source",
]
