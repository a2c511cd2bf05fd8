"""Makes two small conda channels for Terrarium's tests, from synthetic packages built here.

    python3 conda_channel.py OUT_DIR

writes OUT_DIR/main and OUT_DIR/extra, each a channel directory (linux-64 and noarch subdirs with the packages and
the repodata that rattler.index.index_fs writes), to be served over HTTP. Needs py-rattler (hack/prereqs.sh).

The packages are real conda packages: .tar.bz2 (a bzip2 tarball) and .conda (a zip holding metadata.json and two
zstd-compressed tarballs, info-*.tar.zst and pkg-*.tar.zst), with info/index.json, info/paths.json and info/files.
Both formats are used, each for some packages, so that both are downloaded, checked and extracted by the installer.
The zstd streams are written here with raw (stored) blocks, which every zstd decoder reads; Python 3.11 has no zstd
compressor and the tests need none.

What they are made to show (see ../java/dev/terrarium/testing/LocalCondaChannel.java):
  - python 3.11.2: not a CPython build. A conda python made from Debian's is not relocatable, so this package lays
    out a virtual environment instead: bin/python is a symbolic link to the base image's /usr/bin/python3 and
    pyvenv.cfg makes the prefix that interpreter's sys.prefix, so lib/python3.11/site-packages is on its path and
    uv installs into it. It works where /usr/bin/python3 is Python 3.11 (Debian bookworm), as in the test images.
  - terrarium-hello 1.0 (noarch: python, .conda): an importable module, installed by the installer into the
    site-packages of the environment's python. terrarium-hello 2.0 needs python >=3.12: a newer version that the
    python pin excludes. terrarium-hello 1.0 constrains greet <1.6.
  - greet 1.0, 1.5 and 2.0 (noarch: generic); 1.5 comes in two builds, fast_0 (.conda) and slow_1 (.tar.bz2, the
    higher build number, which a solver prefers unless a build string glob says otherwise).
  - extra: greet 3.0 (newer, but strict channel priority takes greet from main, the first channel that has it) and
    extra-tool 1.0 (only there).
  - pip 24.0: a stand-in (noarch, no files but its metadata), because an environment with pip requirements lists
    pip; uv, not pip, installs them.
  - needs-new-glibc 1.0 (linux-64) depends on __glibc >=2.99; needs-cuda 1.0 on __cuda >=12: virtual packages that
    only the request can provide.
"""

import asyncio
import bz2
import hashlib
import io
import json
import os
import struct
import sys
import tarfile
import zipfile
from pathlib import Path

import rattler

TIMESTAMP_MS = 1_700_000_000_000
MTIME = TIMESTAMP_MS // 1000
ZSTD_MAGIC = 0xFD2FB528
ZSTD_BLOCK = 128 * 1024


class File:
    def __init__(self, path, content=b"", link=None, mode=0o644):
        self.path = path
        self.content = content.encode() if isinstance(content, str) else content
        self.link = link
        self.mode = mode


class Package:
    def __init__(self, name, version, build, build_number=0, subdir="noarch", noarch=None, depends=(),
                 constrains=(), files=(), fmt="conda"):
        self.name, self.version, self.build, self.build_number = name, version, build, build_number
        self.subdir, self.noarch, self.fmt = subdir, noarch, fmt
        self.depends, self.constrains, self.files = list(depends), list(constrains), list(files)

    @property
    def stem(self):
        return f"{self.name}-{self.version}-{self.build}"

    def index_json(self):
        index = {
            "name": self.name,
            "version": self.version,
            "build": self.build,
            "build_number": self.build_number,
            "depends": self.depends,
            "constrains": self.constrains,
            "license": "BSD-3-Clause",
            "subdir": self.subdir,
            "timestamp": TIMESTAMP_MS,
        }
        if self.subdir == "linux-64":
            index.update(arch="x86_64", platform="linux")
        if self.noarch:
            index["noarch"] = self.noarch
        return index

    def paths_json(self):
        paths = []
        for f in sorted(self.files, key=lambda f: f.path):
            if f.link is not None:
                paths.append({"_path": f.path, "path_type": "softlink"})
            else:
                paths.append({"_path": f.path, "path_type": "hardlink",
                              "sha256": hashlib.sha256(f.content).hexdigest(), "size_in_bytes": len(f.content)})
        return {"paths": paths, "paths_version": 1}

    def info_files(self):
        return [
            File("info/index.json", json.dumps(self.index_json(), indent=2, sort_keys=True) + "\n"),
            File("info/paths.json", json.dumps(self.paths_json(), indent=2, sort_keys=True) + "\n"),
            File("info/files", "".join(f.path + "\n" for f in sorted(self.files, key=lambda f: f.path))),
        ]

    def write(self, channel):
        directory = channel / self.subdir
        directory.mkdir(parents=True, exist_ok=True)
        if self.fmt == "tar.bz2":
            data = bz2.compress(tar(self.info_files() + self.files), 9)
            (directory / f"{self.stem}.tar.bz2").write_bytes(data)
        else:
            (directory / f"{self.stem}.conda").write_bytes(conda_archive(self.stem, self.info_files(), self.files))


def tar(files):
    """An uncompressed tarball with fixed owners and times, so that equal packages are equal bytes."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for f in files:
            info = tarfile.TarInfo(f.path)
            info.mtime, info.uid, info.gid, info.uname, info.gname = MTIME, 0, 0, "root", "root"
            if f.link is not None:
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, f.link, 0o777
                archive.addfile(info)
            else:
                info.size, info.mode = len(f.content), f.mode
                archive.addfile(info, io.BytesIO(f.content))
    return out.getvalue()


def zstd_stored(data):
    """A zstd frame of raw blocks: no compression, no checksum, a 128 KiB window (RFC 8878)."""
    out = bytearray(struct.pack("<I", ZSTD_MAGIC))
    out.append(0x00)  # frame header descriptor: no content size, not single-segment, no checksum, no dictionary
    out.append(7 << 3)  # window descriptor: 2^(10+7) bytes
    chunks = [data[i:i + ZSTD_BLOCK] for i in range(0, len(data), ZSTD_BLOCK)] or [b""]
    for index, chunk in enumerate(chunks):
        last = 1 if index == len(chunks) - 1 else 0
        header = last | (0 << 1) | (len(chunk) << 3)  # block type 0: raw
        out += header.to_bytes(3, "little") + chunk
    return bytes(out)


def conda_archive(stem, info_files, pkg_files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in (
                ("metadata.json", json.dumps({"conda_pkg_format_version": 2}).encode()),
                (f"pkg-{stem}.tar.zst", zstd_stored(tar(pkg_files))),
                (f"info-{stem}.tar.zst", zstd_stored(tar(info_files)))):
            entry = zipfile.ZipInfo(name, date_time=(2023, 11, 14, 22, 13, 20))
            archive.writestr(entry, content)
    return out.getvalue()


def python_package():
    return Package("python", "3.11.2", "0_debian", subdir="linux-64", fmt="tar.bz2",
                   depends=["__glibc >=2.17", "__unix"],
                   files=[
                       File("bin/python", link="/usr/bin/python3"),
                       File("bin/python3", link="python"),
                       File("bin/python3.11", link="python"),
                       File("pyvenv.cfg", "home = /usr/bin\ninclude-system-site-packages = false\n"
                                          "version = 3.11.2\n"),
                       File("lib/python3.11/site-packages/README.terrarium",
                            "This environment's python is the base image's /usr/bin/python3, made the python of\n"
                            "this prefix by pyvenv.cfg (a synthetic package of Terrarium's tests).\n"),
                   ])


def hello(version, depends, constrains=()):
    module = (f'"""A module from a synthetic conda package of Terrarium\'s tests."""\n\n'
              f'VERSION = "{version}"\n\n\n'
              f'def greeting():\n    return "hello from terrarium-hello {version}"\n')
    dist_info = f"site-packages/terrarium_hello-{version}.dist-info"
    return Package("terrarium-hello", version, "pyh0_0", noarch="python", fmt="conda",
                   depends=depends, constrains=constrains,
                   files=[
                       File("site-packages/terrarium_hello/__init__.py", module),
                       File(f"{dist_info}/METADATA", f"Metadata-Version: 2.1\nName: terrarium-hello\n"
                                                     f"Version: {version}\n"),
                       File(f"{dist_info}/INSTALLER", "conda\n"),
                   ])


def greet(version, build, build_number=0, fmt="conda"):
    return Package("greet", version, build, build_number=build_number, noarch="generic", fmt=fmt,
                   files=[File(f"share/greet/{version}-{build}.txt", f"greet {version} {build}\n")])


MAIN = [
    python_package(),
    Package("pip", "24.0", "stub_0", noarch="generic", fmt="conda"),
    hello("1.0", ["python >=3.11,<3.12", "greet"], ["greet <1.6"]),
    hello("2.0", ["python >=3.12", "greet"]),
    greet("1.0", "0"),
    greet("1.5", "fast_0", 0, "conda"),
    greet("1.5", "slow_1", 1, "tar.bz2"),
    greet("2.0", "0"),
    Package("needs-new-glibc", "1.0", "0", subdir="linux-64", depends=["__glibc >=2.99"],
            files=[File("share/needs-new-glibc.txt", "x\n")]),
    Package("needs-cuda", "1.0", "0", subdir="linux-64", depends=["__cuda >=12"],
            files=[File("share/needs-cuda.txt", "x\n")]),
]

EXTRA = [
    greet("3.0", "0"),
    Package("extra-tool", "1.0", "0", noarch="generic", fmt="tar.bz2",
            files=[File("share/extra-tool/README", "from the extra channel\n")]),
]


async def make(out):
    for name, packages in (("main", MAIN), ("extra", EXTRA)):
        channel = out / name
        for subdir in ("noarch", "linux-64"):
            (channel / subdir).mkdir(parents=True, exist_ok=True)
        for package in packages:
            package.write(channel)
        await rattler.index.index_fs(channel_directory=channel)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: conda_channel.py OUT_DIR")
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    asyncio.run(make(out))
    for path in sorted(out.rglob("*")):
        if path.suffix in (".conda", ".bz2"):
            print(path.relative_to(out), hashlib.sha256(path.read_bytes()).hexdigest())


if __name__ == "__main__":
    main()
    # Skip interpreter finalization: py-rattler's runtime threads can still hold the GIL there and abort
    # the process ("PyGILState_Release ... finalizing") after the channels were made and printed.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
