#!/usr/bin/env python3
"""Recomputes the reference tools' verdicts on the real-file corpus listed in manifest.yaml.

The verdict is about reading the file, not about resolving or downloading what it names: every tool runs offline
(no index, proxies pointed at a closed local port) and a failure after the file was read counts as "the tool read
the file". How each kind is judged:

  requirements.txt  pip: pip's own requirements-file reader, the code `pip install -r` runs before it resolves
                    anything (pip._internal.req.req_file.parse_requirements, then install_req_from_parsed_requirement
                    for every line), in the file's directory; then pip's hash-checking rule (once one requirement has
                    a --hash, every requirement needs one and must be pinned with == or be a URL), which pip itself
                    applies later, when it prepares downloads.
                    uv: `uv pip compile --offline --no-index --no-deps --python-version 3.12 --quiet FILE` in the
                    file's directory. uv exits 2 when it refuses the file (syntax, unknown or misplaced option,
                    unreadable include) and 1 when it read the file but could not resolve offline; 1 counts as read.
  environment.yml   conda: conda's own rules, re-implemented here from conda's sources (conda/env/env.py at
                    1375538d70024f2b07c1f2be5b393271d792ca47, conda/env/installers/pip.py, conda/misc.py) and CEP 24:
                    the YAML must be a mapping; unknown top-level keys are ignored with a warning (platforms and
                    category are CEP 24 extensions that conda-lock reads and conda ignores); a missing dependencies key
                    or a mistyped field is a warning (a FutureWarning: "will be rejected"); channels that are not a
                    list make conda fail; every string dependency must parse as a MatchSpec (py-rattler stands in for
                    conda's MatchSpec: MatchSpec(spec) as conda reads it, lenient; the strict reading is recorded too);
                    a dependency mapping other than pip is refused (no installer). The pip list is written, one entry
                    a line, to a file in the environment file's directory and read as a requirements.txt, as conda
                    does before it runs `pip install -U -r` there; pip's verdict on that file counts, uv's is recorded.
  conda-explicit    conda: every line other than blank lines, comments and @EXPLICIT must match conda's explicit URL
                    pattern (conda/misc.py url_pat: a .tar.bz2 or .conda file name, optionally #md5 or #sha256).
  conda-lock        conda-lock: conda_lock.lockfile.parse_conda_lock_file (the reader `conda-lock install` uses).
  pylock            packaging: packaging.pylock.Pylock.from_dict (the PEP 751 reader of the packaging library).
                    uv 0.13.8 reads pylock.toml only behind a preview flag and only to install into a matching
                    interpreter, so it gives no verdict on the file alone here.

Every file is judged in a scratch copy of the corpus, so that -r/-c includes resolve as in the source repository;
`setup` in the manifest creates what the source repository provides and the corpus does not: `projects` are local
project directories (made with a minimal pyproject.toml), `environment` sets variables to paths relative to the file.

Run it with the tool versions it was written against (it refuses others), from a throwaway virtual environment:

    python3 -m venv /tmp/corpus-venv
    /tmp/corpus-venv/bin/pip install pip==26.3 uv==0.13.8 py-rattler==0.28.0 pyyaml==6.0.3 packaging==26.3 \
        conda-lock==4.0.3
    /tmp/corpus-venv/bin/python src/test/resources/real-files/verdicts.py           # table, exit 1 on a difference
    /tmp/corpus-venv/bin/python src/test/resources/real-files/verdicts.py --write   # rewrite the verdicts

--write rewrites manifest.yaml: the header below, then every entry with its `verdict` recomputed; the other fields
of each entry are kept as they are.
"""

import argparse
import contextlib
import importlib.metadata
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib

import yaml

HERE = pathlib.Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.yaml"
VERSIONS = {"pip": "26.3", "uv": "0.13.8", "py-rattler": "0.28.0", "PyYAML": "6.0.3", "packaging": "26.3",
            "conda-lock": "4.0.3"}
# A closed local port: anything that tries the network fails at once instead of reaching out.
OFFLINE_ENV = {name: "http://127.0.0.1:9" for name in
               ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")}
UV_TIMEOUT_SECONDS = 120
CONDA_VALID_KEYS = ("dependencies", "name", "prefix", "channels", "variables")
CONDA_EXPLICIT_URL = re.compile(
    r"(?:(?P<url_p>.+)(?:[/\\]))?"
    r"(?P<fn>[^/\\#]+(?:\.tar\.bz2|\.conda))"
    r"(?:#("
    r"(?P<md5>[0-9a-f]{32})"
    r"|((sha256:)?(?P<sha256>[0-9a-f]{64}))"
    r"))?$"
)

HEADER = """\
# Real environment files from public repositories, with the verdicts of the reference tools.
#
# Each entry: id; path (under this directory, laid out as <owner>--<repository>/<path in the repository>, so that
# -r/-c includes resolve as in the source); kind (environment.yml | requirements.txt | conda-explicit | conda-lock |
# pylock); source (repository, path in it, commit of the stored version the file was copied from); license of the
# repository as known to the curator (not re-read at that commit; 'unknown' where not known); features (tags);
# redactions; includes (ids of files it includes); setup (what the source repository provides that the corpus does
# not: local project directories, environment variables); note; verdict.
#
# The files are verbatim except for redactions: the host name of every package registry or index is replaced by a
# placeholder under index.example, keeping the path (the project never names a registry host). `redactions` lists
# each replaced line and its placeholder; the placeholders stand for:
#   pytorch.index.example     PyTorch's wheel download server
#   pypi.index.example        the Python Package Index (its current and its former host name)
#   files.index.example       the Python Package Index's file host
#   conda.index.example       Anaconda's channel host (conda-forge and other channels)
#   repo.conda.index.example  Anaconda's defaults repository host
#   nvidia.index.example      NVIDIA's Python package index
#   mirror.index.example      a public PyPI mirror
#   private.index.example     a company's private Python package index
#   jax.index.example         the cloud-storage host of JAX's find-links page
# Line ends are kept as in the source, CRLF included (see the entry's note).
#
# verdict.tool is accept, accept-with-warnings or refuse; the other verdict fields are each tool's own result. How
# they are computed, with which commands and tool versions: verdicts.py, beside this file (run it to recompute and
# compare). Tool versions: pip 26.3, uv 0.13.8, py-rattler 0.28.0, PyYAML 6.0.3, packaging 26.3, conda-lock 4.0.3,
# CPython 3.11. verdict.inferred is true where no conda ran: conda's rules are re-implemented from its sources.
"""


def require_versions():
    wrong = []
    for name, version in VERSIONS.items():
        if name == "uv":
            found = subprocess.run([uv_binary(), "--version"], capture_output=True, text=True).stdout.split()[1]
        else:
            found = importlib.metadata.version(name)
        if found != version:
            wrong.append(f"{name} {found} (written against {version})")
    if wrong:
        sys.exit("verdicts.py needs the tool versions it was written against: " + ", ".join(wrong))


def uv_binary():
    beside = pathlib.Path(sys.executable).with_name("uv")
    return str(beside) if beside.exists() else "uv"


@contextlib.contextmanager
def working_directory(path):
    previous = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


@contextlib.contextmanager
def environment(variables):
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def first_line(text):
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def pip_verdict(path):
    """pip's requirements-file reader on `path`, run in its directory, then pip's hash-checking rule."""
    from pip._internal.network.session import PipSession
    from pip._internal.req.constructors import install_req_from_parsed_requirement
    from pip._internal.req.req_file import parse_requirements

    requirements = []
    with working_directory(path.parent), environment(OFFLINE_ENV):
        try:
            for parsed in parse_requirements(str(path), session=PipSession(), finder=None, options=None,
                                             constraint=False):
                requirements.append(install_req_from_parsed_requirement(parsed))
        except Exception as error:  # pip reports a refused file with several exception types
            return {"result": "refuse", "message": f"{type(error).__name__}: {first_line(error)}"}
    hashed = [r for r in requirements if r.hash_options and not r.constraint]
    if hashed:
        for requirement in requirements:
            if requirement.constraint:
                continue
            if not requirement.hash_options:
                return {"result": "refuse", "requirements": len(requirements),
                        "message": f"hash-checking mode: {requirement.req or requirement.link} has no --hash"}
            if requirement.link is None and not requirement.is_pinned:
                return {"result": "refuse", "requirements": len(requirements),
                        "message": f"hash-checking mode: {requirement.req} is not pinned with =="}
    verdict = {"result": "accept", "requirements": len(requirements)}
    if hashed:
        verdict["hashChecking"] = True
    return verdict


def uv_compile_verdict(path):
    """`uv pip compile` offline on `path` in its directory: exit 2 refuses the file, 0 or 1 means uv read it."""
    with tempfile.TemporaryDirectory(prefix="uv-cache-") as cache:
        env = dict(os.environ, **OFFLINE_ENV, UV_CACHE_DIR=cache, UV_NO_CONFIG="1", NO_COLOR="1")
        env.pop("NO_PROXY", None)
        env.pop("no_proxy", None)
        run = subprocess.run([uv_binary(), "pip", "compile", "--offline", "--no-index", "--no-deps",
                              "--python-version", "3.12", "--quiet", path.name],
                             cwd=path.parent, env=env, capture_output=True, text=True, timeout=UV_TIMEOUT_SECONDS)
    error = first_line(run.stderr)
    if run.returncode == 0:
        return {"result": "accept", "exit": 0}
    if run.returncode == 1:
        return {"result": "accept", "exit": 1, "afterReading": error}
    return {"result": "refuse", "exit": run.returncode, "message": error}


def rattler_verdict(spec):
    from rattler import MatchSpec

    try:
        parsed = str(MatchSpec(spec, strict=False))
    except Exception as error:
        return {"spec": spec, "result": "refuse", "message": first_line(error)}
    try:
        MatchSpec(spec, strict=True)
        return {"spec": spec, "result": "accept", "parsed": parsed}
    except Exception as error:
        return {"spec": spec, "result": "accept", "parsed": parsed, "strict": first_line(error)}


def conda_environment_verdict(path):
    """conda's reading of an environment.yml (see the module docstring), with its pip list read by pip and uv."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-16")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        return {"tool": "refuse", "conda": {"result": "refuse", "message": f"not valid YAML: {first_line(error)}"}}
    if data is None:
        return {"tool": "refuse", "conda": {"result": "refuse", "message": "EnvironmentFileEmpty"}}
    if not isinstance(data, dict):
        return {"tool": "refuse", "conda": {"result": "refuse", "message": "not a mapping: not a valid yaml file"}}

    warnings = []
    if "dependencies" not in data:
        warnings.append("CEP 24: missing required field 'dependencies' (FutureWarning: will be rejected)")
    for key, kind in (("name", str), ("prefix", str), ("dependencies", list), ("channels", list),
                      ("variables", dict)):
        if key in data and not isinstance(data[key], kind):
            warnings.append(f"CEP 24: invalid type for '{key}', expected a {kind.__name__} "
                            "(FutureWarning: will be rejected)")
    unknown = [key for key in data if key not in CONDA_VALID_KEYS]
    if unknown:
        warnings.append("EnvironmentSectionNotValid: ignored: " + ", ".join(unknown))

    channels = data.get("channels", [])
    try:
        channels = [os.path.expandvars(channel) for channel in channels]
    except TypeError as error:
        return {"tool": "refuse", "conda": {"result": "refuse", "warnings": warnings,
                                            "message": f"channels: {error}: not a valid yaml file"}}

    dependencies = data.get("dependencies") or []
    specs = []
    pip_lists = []
    for item in dependencies:
        if isinstance(item, str):
            specs.append(rattler_verdict(item))
        elif isinstance(item, dict):
            for installer, entries in item.items():
                if installer != "pip":
                    return {"tool": "refuse", "conda": {"result": "refuse", "warnings": warnings,
                                                        "message": f"no installer for dependency section {installer}"}}
                pip_lists.append(entries or [])
        else:
            return {"tool": "refuse", "conda": {"result": "refuse", "warnings": warnings,
                                                "message": f"'{item}' is an invalid type for a 'dependency'"}}
    if pip_lists and not any(s["result"] == "accept" and s["parsed"].split("::")[-1].split(" ")[0].split("[")[0]
                             == "pip" for s in specs):
        warnings.append("pip list without pip among the conda dependencies (conda adds pip)")

    verdict = {"conda": {"result": "accept-with-warnings" if warnings else "accept"}}
    if warnings:
        verdict["conda"]["warnings"] = warnings
    verdict["rattler"] = {"result": "refuse" if any(s["result"] == "refuse" for s in specs) else "accept",
                          "specs": len(specs)}
    refused_specs = [s for s in specs if s["result"] == "refuse"]
    if refused_specs:
        verdict["rattler"]["refused"] = [f"{s['spec']}: {s['message']}" for s in refused_specs]
    strict_only = [f"{s['spec']}: {s['strict']}" for s in specs if "strict" in s]
    if strict_only:
        verdict["rattler"]["strictOnly"] = strict_only

    if pip_lists:
        entries = [str(entry) for pip_list in pip_lists for entry in pip_list]
        pip_file = path.parent / "condaenv.corpus.requirements.txt"
        pip_file.write_text("\n".join(entries), encoding="utf-8")
        try:
            verdict["pip"] = pip_verdict(pip_file)
            verdict["uv"] = uv_compile_verdict(pip_file)
        finally:
            pip_file.unlink()

    refused = refused_specs or verdict.get("pip", {}).get("result") == "refuse"
    verdict["tool"] = "refuse" if refused else verdict["conda"]["result"]
    return dict(sorted(verdict.items(), key=lambda item: item[0] != "tool"))


def conda_explicit_verdict(path):
    urls = 0
    hashed = 0
    seen_marker = False
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line == "@EXPLICIT":
            seen_marker = True
            continue
        match = CONDA_EXPLICIT_URL.match(line)
        if match is None:
            return {"tool": "refuse", "conda": {"result": "refuse",
                                                "message": f"line {number}: Could not parse explicit URL: {line}"}}
        urls += 1
        hashed += bool(match.group("md5") or match.group("sha256"))
    if not seen_marker:
        return {"tool": "refuse", "conda": {"result": "refuse", "message": "no @EXPLICIT line"}}
    return {"tool": "accept", "conda": {"result": "accept", "packages": urls, "withChecksum": hashed}}


def conda_lock_verdict(path):
    from conda_lock.lockfile import parse_conda_lock_file

    try:
        lock = parse_conda_lock_file(path)
    except Exception as error:  # pydantic and YAML errors alike refuse the file
        return {"tool": "refuse", "condaLock": {"result": "refuse", "message": f"{type(error).__name__}: "
                                                                               f"{first_line(error)}"}}
    return {"tool": "accept", "condaLock": {"result": "accept", "packages": len(lock.package)}}


def pylock_verdict(path):
    from packaging.pylock import Pylock

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        lock = Pylock.from_dict(data)
    except Exception as error:  # TOML and validation errors alike refuse the file
        return {"tool": "refuse", "packaging": {"result": "refuse",
                                                "message": f"{type(error).__name__}: {first_line(error)}"}}
    return {"tool": "accept", "packaging": {"result": "accept", "packages": len(lock.packages)}}


def requirements_verdict(path):
    pip = pip_verdict(path)
    uv = uv_compile_verdict(path)
    results = {pip["result"], uv["result"]}
    tool = results.pop() if len(results) == 1 else "disputed"
    return {"tool": tool, "pip": pip, "uv": uv}


JUDGES = {
    "requirements.txt": requirements_verdict,
    "environment.yml": conda_environment_verdict,
    "conda-explicit": conda_explicit_verdict,
    "conda-lock": conda_lock_verdict,
    "pylock": pylock_verdict,
}


def judge(entry, scratch):
    path = scratch / entry["path"]
    setup = entry.get("setup", {})
    for project in setup.get("projects", []):
        directory = path.parent / project
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "pyproject.toml").write_text(f'[project]\nname = "{directory.name}"\nversion = "0"\n')
    variables = {name: str(path.parent / value) for name, value in setup.get("environment", {}).items()}
    with environment(variables):
        verdict = JUDGES[entry["kind"]](path)
    verdict["inferred"] = entry["kind"] in ("environment.yml", "conda-explicit")
    return verdict


def scrub(value, scratch):
    """Verdict text without the scratch directory's name, so that runs compare equal."""
    if isinstance(value, dict):
        return {key: scrub(item, scratch) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, scratch) for item in value]
    if isinstance(value, str):
        return value.replace(str(scratch), "<corpus>")
    return value


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    arguments.add_argument("--write", action="store_true", help="rewrite the verdicts in manifest.yaml")
    arguments.add_argument("--only", help="judge only the entry with this id")
    options = arguments.parse_args()
    require_versions()

    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    differences = []
    with tempfile.TemporaryDirectory(prefix="real-files-") as scratch_name:
        scratch = pathlib.Path(scratch_name) / "corpus"
        shutil.copytree(HERE, scratch, ignore=shutil.ignore_patterns("manifest.yaml", "verdicts.py", "__pycache__"))
        for entry in manifest["files"]:
            if options.only and entry["id"] != options.only:
                continue
            verdict = scrub(judge(entry, scratch), scratch)
            if verdict != entry.get("verdict"):
                differences.append(entry["id"])
            entry["verdict"] = verdict
            detail = {key: value for key, value in verdict.items() if key not in ("tool", "inferred")}
            print(f"{entry['id']:40} {entry['kind']:17} {verdict['tool']:21} "
                  + "; ".join(f"{name}: {value.get('result', value.get('exit'))}"
                              + (f" ({value['message']})" if value.get("message") else "")
                              for name, value in detail.items()))

    if options.write:
        body = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=120)
        MANIFEST.write_text(HEADER + body, encoding="utf-8")
        print(f"wrote {MANIFEST}")
    elif differences:
        print("verdicts differ from manifest.yaml for: " + ", ".join(differences))
        sys.exit(1)


if __name__ == "__main__":
    main()
