"""Verdicts of py-rattler's MatchSpec on conda match spec strings, for Terrarium's differential test.

Reads a JSON array of strings on stdin and prints a JSON array with one verdict per string:
{"valid": false, "error": "..."} or {"valid": true, "strict": true|false, "name": ..., "channel": ... or null,
"subdir": ..., "namespace": ..., "version": ... or null, "build": ... or null, "canonical": ...}. Strings are parsed
as conda does by default (strict=False, exact package names only); "strict" says whether rattler's strict mode
accepts the string too; "version" is rattler's printing of the version constraint, "canonical" its canonical form of
the whole spec (MatchSpec.to_canonical_string), which is equal for equal meanings.
"""

import json
import sys

from rattler import MatchSpec


def verdict(text):
    try:
        spec = MatchSpec(text, strict=False, exact_names_only=True)
    except Exception as error:  # noqa: BLE001 - rattler raises one error type per problem; all are a refusal
        return {"valid": False, "error": str(error).splitlines()[0] if str(error) else type(error).__name__}
    channel = spec.channel
    try:
        MatchSpec(text, strict=True, exact_names_only=True)
        strict = True
    except Exception:  # noqa: BLE001
        strict = False
    return {
        "valid": True,
        "strict": strict,
        "namespace": spec.namespace,
        "name": spec.name.normalized if hasattr(spec.name, "normalized") else str(spec.name),
        "channel": channel.name if channel is not None else None,
        "subdir": spec.subdir,
        "version": spec.version,
        "build": spec.build,
        "canonical": spec.to_canonical_string(),
    }


def main():
    strings = json.load(sys.stdin)
    json.dump([verdict(text) for text in strings], sys.stdout)


if __name__ == "__main__":
    main()
