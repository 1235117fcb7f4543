"""Hand-made distributions for tests: valid wheels and sdists, and the parts to break them with.

Real build backends are exercised in the end-to-end tests; these builders make the many small variants the
validation tests need in microseconds.
"""

import base64
import gzip
import hashlib
import io
import tarfile
import zipfile
from dataclasses import dataclass, field

from packaging.utils import canonicalize_name


def dist_name(name: str) -> str:
    return canonicalize_name(name).replace("-", "_")


def metadata_text(
    name: str, version: str, *, metadata_version: str = "2.1", extra: str = "", body: str = ""
) -> str:
    text = (
        f"Metadata-Version: {metadata_version}\nName: {name}\nVersion: {version}\nSummary: A test package\n"
    )
    text += extra
    if body:
        text += "\n" + body
    return text


def record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Dist:
    """A built distribution: its filename, bytes and the form fields twine would send."""

    filename: str
    content: bytes
    fields: dict[str, list[str]] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def blake2_256(self) -> str:
        return hashlib.blake2b(self.content, digest_size=32).hexdigest()

    @property
    def md5(self) -> str:
        return hashlib.md5(self.content).hexdigest()


def form_fields(
    name: str,
    version: str,
    *,
    filetype: str,
    pyversion: str,
    metadata_version: str = "2.1",
    **metadata: str | list[str],
) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {
        ":action": ["file_upload"],
        "protocol_version": ["1"],
        "metadata_version": [metadata_version],
        "name": [name],
        "version": [version],
        "summary": ["A test package"],
        "filetype": [filetype],
        "pyversion": [pyversion],
    }
    for key, value in metadata.items():
        fields[key] = value if isinstance(value, list) else [value]
    return fields


def wheel(
    name: str = "demo",
    version: str = "1.0",
    *,
    files: dict[str, bytes] | None = None,
    metadata_extra: str = "",
    metadata_override: str | None = None,
    record: str | None = None,
    tag: str = "py3-none-any",
    filename: str | None = None,
    metadata_version: str = "2.1",
    fields: dict | None = None,
) -> Dist:
    """A valid wheel unless told otherwise; `fields` are extra form fields (and metadata_extra lines)."""
    dist = dist_name(name)
    info = f"{dist}-{version}.dist-info"
    members = dict(files if files is not None else {f"{dist}/__init__.py": b"VALUE = 1\n"})
    members[f"{info}/METADATA"] = (
        metadata_override
        if metadata_override is not None
        else metadata_text(name, version, metadata_version=metadata_version, extra=metadata_extra)
    ).encode()
    members[f"{info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: {tag}\n".encode()
    )
    if record is None:
        record = "".join(f"{path},{record_hash(data)},{len(data)}\n" for path, data in members.items())
        record += f"{info}/RECORD,,\n"
    members[f"{info}/RECORD"] = record.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in members.items():
            archive.writestr(zipfile.ZipInfo(path, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    form = form_fields(
        name, version, filetype="bdist_wheel", pyversion="py3", metadata_version=metadata_version
    )
    form.update(fields or {})
    return Dist(filename=filename or f"{dist}-{version}-{tag}.whl", content=buffer.getvalue(), fields=form)


def sdist(
    name: str = "demo",
    version: str = "1.0",
    *,
    files: dict[str, bytes] | None = None,
    metadata_extra: str = "",
    filename: str | None = None,
    top: str | None = None,
    metadata_version: str = "2.1",
    fields: dict | None = None,
) -> Dist:
    """A valid PEP 625 sdist (tar.gz with one top-level directory holding PKG-INFO)."""
    dist = dist_name(name)
    top = top or f"{dist}-{version}"
    members = {
        f"{top}/PKG-INFO": metadata_text(
            name, version, metadata_version=metadata_version, extra=metadata_extra
        ).encode()
    }
    members.update(files if files is not None else {f"{top}/{dist}/__init__.py": b"VALUE = 1\n"})
    buffer = io.BytesIO()
    # A fixed gzip timestamp keeps the bytes identical from one build to the next (re-upload tests).
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive,
    ):
        for path, data in members.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mtime = 1704067200
            archive.addfile(info, io.BytesIO(data))
    form = form_fields(name, version, filetype="sdist", pyversion="source", metadata_version=metadata_version)
    form.update(fields or {})
    return Dist(filename=filename or f"{dist}-{version}.tar.gz", content=buffer.getvalue(), fields=form)


WIDGET_README = """# Demo widgets

Widgets for **demonstrations**. <script>window.__xss = 1</script>

[A link](javascript:window.__xss=2) and <img src=x onerror="window.__xss=3">
"""


def widget_wheel(
    name: str, version: str, *, summary: str, readme: str = WIDGET_README, keywords: str = "widgets,demo"
) -> Dist:
    """A wheel with a Markdown README (hostile HTML included), keywords, a classifier and a project URL:
    what the search and the project page show."""
    metadata = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}\n"
        f"Keywords: {keywords}\nClassifier: Programming Language :: Python :: 3\n"
        "Project-URL: Source, https://example.com/widgets\n"
        f"Description-Content-Type: text/markdown\n\n{readme}"
    )
    return wheel(name, version, metadata_override=metadata)
