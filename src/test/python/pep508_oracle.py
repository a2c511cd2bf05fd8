"""Verdicts of Python's packaging on PEP 508 requirement strings, for Terrarium's differential test.

Reads a JSON array of strings on stdin and prints a JSON array with one verdict per string:
{"valid": false, "error": "..."} or {"valid": true, "name": ..., "extras": [...], "specifiers": [...],
"url": ... or null, "hasMarker": ..., "marker": ... or null}. Names and extras are PEP 503 normalised, specifiers carry PEP 440
normalised versions and are sorted; "marker" is packaging's own printing of the marker, or null when there is no
marker or when packaging cannot print it back in a form it parses again.
"""

import json
import sys

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version


def normalized_specifier(specifier):
    operator, version = specifier.operator, specifier.version
    if operator == "===":
        return operator + version
    if version.endswith(".*"):
        return operator + str(Version(version[:-2])) + ".*"
    return operator + str(Version(version))


def printed_marker(marker):
    if marker is None:
        return None
    try:
        text = str(marker)
        Marker(text)
        return text
    except Exception:
        return None


def verdict(text):
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        return {"valid": False, "error": str(error).splitlines()[0]}
    return {
        "valid": True,
        "name": canonicalize_name(requirement.name),
        "extras": sorted({canonicalize_name(extra) for extra in requirement.extras}),
        "specifiers": sorted({normalized_specifier(s) for s in requirement.specifier}),
        "url": requirement.url,
        "hasMarker": requirement.marker is not None,
        "marker": printed_marker(requirement.marker),
    }


def main():
    strings = json.load(sys.stdin)
    json.dump([verdict(text) for text in strings], sys.stdout)


if __name__ == "__main__":
    main()
