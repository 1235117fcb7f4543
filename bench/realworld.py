"""Real-world upload check: do the files people publish today pass Wharf's upload pipeline unchanged?

Downloads the sdist and wheels (several platforms) of a list of real projects into a cache, starts a fresh,
empty Wharf, uploads every file with `twine upload` (one file per call, so each refusal is attributed to
its file), checks that Wharf serves back the same bytes, the same wheel METADATA (PEP 658) and, in the
JSON API, the metadata of the file that created each release; then installs a sample of the accepted
projects from Wharf alone with pip and uv. Prints numbers; writes `report.json` into the cache directory.

    .venv/bin/python bench/realworld.py                       # the built-in list (~300 specs)
    .venv/bin/python bench/realworld.py six==1.9.0 attrs      # just these
    .venv/bin/python bench/realworld.py --skip-download       # re-run the uploads on the cached files
    .venv/bin/python bench/realworld.py --extra-files dist/*  # add distributions built here (uv_build…)
    .venv/bin/python bench/realworld.py --wharf-root /tmp/w   # serve another checkout (a `git archive`)
    .venv/bin/python bench/realworld.py --report-only         # print the last run's results again

Downloading uses the machine's own pip configuration (the default index). Wheels come from
`pip download --no-deps --only-binary :all: --platform ... --python-version ...`. Sdists come from the
index's Simple API (PEP 691 JSON), because `pip download --no-binary :all:` builds the sdist's metadata
before it saves the file, which needs the build backend and, for Rust or C projects, a compiler this
machine may lack; `--sdist-via pip` uses pip anyway. Files over `--max-file-mb` are skipped, wheels over
`--big-wheel-mb` are fetched for one platform only, and the downloads stop at `--budget-mb`.

Uploading and installing use only Wharf: twine gets `--repository-url`; pip runs with `--isolated` and
`PIP_CONFIG_FILE=/dev/null`, uv with `UV_NO_CONFIG=1`, and neither sees a PIP_*/UV_* variable.
Refusals are grouped by message shape and attributed to Wharf or to twine (which validates metadata
itself and refuses some old files before sending anything).
"""

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
import zipfile
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

from packaging.metadata import parse_email
from packaging.specifiers import SpecifierSet
from packaging.tags import compatible_tags, cpython_tags, platform_tags
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from packaging.version import InvalidVersion, Version

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV_BIN = Path(sys.executable).parent
MB = 1024 * 1024


def _words(text: str) -> list[str]:
    return text.split()


# (label, python version, platform tags pip may pick from): what `pip download --platform` is given.
TARGETS = {
    "manylinux-x86_64": (
        "3.11",
        [
            "manylinux_2_28_x86_64",
            "manylinux_2_17_x86_64",
            "manylinux2014_x86_64",
            "manylinux2010_x86_64",
            "manylinux1_x86_64",
        ],
    ),
    "musllinux-x86_64": ("3.12", ["musllinux_1_2_x86_64", "musllinux_1_1_x86_64"]),
    "macosx-arm64": ("3.13", ["macosx_14_0_arm64", "macosx_11_0_arm64", "macosx_11_0_universal2"]),
    "win-amd64": ("3.12", ["win_amd64"]),
}

# Popular projects, chosen for spread: pure Python and binary; setuptools (old and new), hatchling,
# flit, poetry-core, pdm-backend, maturin, scikit-build-core, meson-python, uv_build; huge READMEs,
# Markdown/reStructuredText/plain descriptions, PEP 639 licenses, Dynamic, markers and extras.
MODERN = _words("""
setuptools wheel pip packaging flit-core flit hatchling hatch-vcs pdm-backend poetry-core setuptools-scm
maturin scikit-build-core meson-python meson ninja cmake pybind11 cython uv uv-build ruff black mypy
mypy-extensions isort pylint astroid flake8 pyflakes pytest pluggy iniconfig coverage hypothesis tox
virtualenv filelock platformdirs distlib nox requests urllib3 certifi idna charset-normalizer httpx
httpcore h11 anyio sniffio attrs cattrs click typer rich textual markdown-it-py pygments jinja2
markupsafe werkzeug flask django djangorestframework gunicorn uvicorn starlette fastapi pydantic
pydantic-core python-dotenv sqlalchemy greenlet psycopg psycopg-binary psycopg2-binary redis celery
aiohttp yarl multidict frozenlist propcache websockets orjson msgpack pyyaml ruamel-yaml tomli tomlkit
python-dateutil pytz tzdata six numpy pandas scipy scikit-learn matplotlib kiwisolver pillow lxml
beautifulsoup4 cryptography cffi pycparser bcrypt pynacl pyjwt boto3 botocore s3transfer protobuf
grpcio psutil wrapt more-itertools zipp importlib-metadata typing-extensions jsonschema referencing
rpds-py tqdm colorama tabulate docutils sphinx babel markdown regex tokenizers safetensors pyzmq
ccxt yt-dlp zope-interface twisted pywin32 pyobjc-core watchdog tiktoken pendulum zstandard
""")

# Old releases whose sdists carry Metadata-Version 1.0 / 1.1 / 1.2 PKG-INFO (distutils, early
# setuptools) and whose wheels, when they have any, carry Metadata-Version 2.0 (bdist_wheel < 0.31).
OLD = _words("""
six==1.9.0 docopt==0.6.2 pycrypto==2.6.1 termcolor==1.1.0 nose==1.3.7 mock==1.0.1 argparse==1.4.0
ordereddict==1.1 configobj==5.0.6 httplib2==0.9.2 enum34==1.1.6 futures==3.1.1 ipaddress==1.0.23
functools32==3.2.3-2 singledispatch==3.4.0.3 pyserial==2.7 xlrd==0.9.4 decorator==3.4.0 lockfile==0.12.2
python-gflags==2.0 feedparser==5.1.3 pexpect==3.3 markdown==2.0 jinja2==2.7 pygments==1.6 tornado==2.4.1
pyasn1==0.1.9 webob==1.2.3 paste==1.7.5.1 zope.interface==4.0.5 markupsafe==0.23 itsdangerous==0.24
flask==0.10.1 requests==2.0.0 sqlalchemy==0.7.10 pycparser==2.14 python-memcached==1.59
beautifulsoup4==4.3.2 chardet==2.3.0 wheel==0.24.0 pyyaml==3.11 wsgiref==0.1.2 simplegeneric==0.8.1
anyjson==0.3.3 pyparsing==2.0.3 redis==2.10.6 babel==1.3 virtualenv==1.11.6
""")

# Releases of 2016-2024: Metadata-Version 1.2 (setuptools 36-38), 2.1 and 2.2/2.3 (early hatchling,
# maturin, poetry-core 1.x), wheels from bdist_wheel 0.31-0.43, abi3 and manylinux2010/2014 builds,
# names with dots, and the backends' own older releases.
MIDDLE = _words("""
requests==2.19.1 urllib3==1.23 idna==2.7 certifi==2018.4.16 pip==18.0 packaging==17.1 pytest==3.6.0
attrs==17.4.0 six==1.12.0 setuptools==40.0.0 django==2.0.5 flask==1.0.2 jinja2==2.10 click==7.0
markupsafe==1.1.1 pyyaml==5.4.1 cryptography==3.4.8 pillow==8.4.0 lxml==4.9.3 psycopg2-binary==2.8.6
cffi==1.14.6 simplejson==3.17.6 msgpack==1.0.2 wrapt==1.12.1 pycryptodome==3.10.1 pynacl==1.4.0
bcrypt==3.2.0 regex==2021.8.28 tornado==6.1 pyrsistent==0.18.0 ruamel.yaml==0.17.16
backports.zoneinfo==0.2.1 zope.interface==5.4.0 typed-ast==1.4.3 protobuf==3.20.3 hatchling==1.21.1
httpx==0.27.0 pydantic==2.7.0 black==24.4.0 rich==13.7.1 poetry-core==1.9.0 fastapi==0.110.0
scikit-build-core==0.9.0 maturin==1.5.1 orjson==3.9.15 coverage==7.4.4 setuptools==69.5.1
setuptools==75.1.0 wheel==0.43.0 flit-core==3.9.0 pdm-backend==2.1.8 sqlalchemy==1.4.52
typing-extensions==4.11.0 importlib-metadata==7.1.0 numpy==1.21.6 jaraco.classes==3.4.0
""")

# Large or data-heavy sdists (compression ratio), more build backends (pbr, sip, sphinx-theme-builder,
# hatch-jupyter-builder, scikit-build) and platform-specific binaries.
MORE = _words("""
phonenumbers plotly sympy networkx pycountry faker emoji tldextract fonttools googleapis-common-protos
kubernetes sqlglot openai pyinstaller furo jupyterlab pbr python-novaclient pyqt5-sip scikit-build
gevent uvloop pyodbc mysqlclient python-ldap nh3 build installer twine readme-renderer pkginfo keyring
jaraco-functools backports-tarfile zope-event ruamel-yaml-clib pywin32-ctypes appnope trove-classifiers
hatch-fancy-pypi-readme editables pyproject-hooks pyopenssl service-identity incremental automat
""")

# Known oddities of real wheels: SBOMs injected after the build (PEP 770) that rewrite RECORD,
# libraries grafted in without a RECORD row, Metadata-Version 2.2 from early hatchling.
ODD = _words("""
bocpy==0.9.0 bocpy==0.10.0 bocpy==0.11.0 bocpy pybase64 liteparse==2.0.4 selenium==4.1.0 direct7==0.0.7
selenium playwright pyqt6 pyqt6-sip
""")

# Other pipelines (bazel, sip, custom wheel writers), very long Requires-Dist lists and extras.
WIDE = _words("""
tensorboard keras absl-py ml-dtypes grpcio-tools jax opentelemetry-proto proto-plus google-api-core
google-cloud-storage azure-core azure-storage-blob msal jiter watchfiles cramjam pywinpty pyqt5 nuitka
future py retry transformers sentry-sdk moto apache-airflow langchain dbt-core pyright onnx
onnxruntime shapely nanobind google-cloud-compute azure-mgmt-network shiboken6 pyside6 pythonnet
clr-loader dearpygui comtypes pywinauto
""")

DEFAULT_SPECS = MODERN + MIDDLE + OLD + MORE + ODD + WIDE


@dataclass
class Downloaded:
    """One cached distribution file and what it is."""

    spec: str
    project: str
    version: str
    filename: str
    kind: str  # "sdist" or "wheel"
    targets: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    filename: str
    project: str
    version: str
    kind: str
    accepted: bool
    message: str
    refused_by: str  # "" when accepted, "wharf" or "twine" (twine refused it before sending)
    seconds: float


# --- downloading -------------------------------------------------------------------------------------


def _quiet_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    return env


def default_index_url() -> str:
    """The simple index pip downloads from on this machine (its configuration, else pip's default)."""
    configured = subprocess.run(
        [str(VENV_BIN / "pip"), "config", "get", "global.index-url"], capture_output=True, text=True
    ).stdout.strip()
    if configured:
        return configured.rstrip("/")
    from pip._internal.models.index import PyPI  # the default is pip's to know, not this script's

    return PyPI.simple_url.rstrip("/")


def fetch_json(url: str, *, accept: str = "application/vnd.pypi.simple.v1+json") -> dict:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def _version_of(file: dict, project: str) -> str | None:
    filename = file["filename"]
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[1])
        if filename.endswith((".tar.gz", ".zip")):
            name, version = parse_sdist_filename(filename)
            if name == canonicalize_name(project):
                return str(version)
    except Exception:  # noqa: S110 -- an unparsable name is handled below
        pass
    # Old names such as `functools32-3.2.3-2.tar.gz`: take the text after the project's name.
    stem = filename.removesuffix(".tar.gz").removesuffix(".zip")
    name_part = re.escape(canonicalize_name(project)).replace("\\-", "[-_.]+")
    match = re.match(rf"(?i){name_part}-(.+)", stem)
    if match and not filename.endswith(".whl"):
        try:
            return str(Version(match.group(1)))
        except InvalidVersion:
            return None
    return None


def resolve(spec: str, index: str) -> tuple[str, str, list[dict]]:
    """(project, version, that version's files) for `name` or `name==version`, from the Simple API."""
    name, _, pinned = spec.partition("==")
    detail = fetch_json(f"{index}/{canonicalize_name(name)}/")
    project = detail.get("name", canonicalize_name(name))
    by_version: dict[Version, list[dict]] = defaultdict(list)
    for file in detail["files"]:
        version = _version_of(file, project)
        if version is not None:
            by_version[Version(version)].append(file)
    if pinned:
        wanted = Version(pinned)
    else:
        usable = [
            version
            for version, files in by_version.items()
            if not version.is_prerelease and not all(file.get("yanked") for file in files)
        ]
        if not usable:
            raise LookupError(f"{spec}: no released version with files")
        wanted = max(usable)
    return project, str(wanted), by_version.get(wanted, [])


def _supported_tags(python: str, platforms: list[str]) -> set[str]:
    major, minor = (int(part) for part in python.split("."))
    tags = list(cpython_tags((major, minor), platforms=platforms))
    tags += compatible_tags((major, minor), f"cp{major}{minor}", platforms)
    return {str(tag) for tag in tags}


def _largest_candidate(files: list[dict], python: str, platforms: list[str]) -> int:
    """The size of the largest wheel pip could pick for this target (so big ones are never fetched)."""
    supported = _supported_tags(python, platforms)
    sizes = [
        file.get("size") or 0
        for file in files
        if file["filename"].endswith(".whl")
        and {str(tag) for tag in parse_wheel_filename(file["filename"])[3]} & supported
    ]
    return max(sizes, default=0)


class Budget:
    """Total bytes downloaded so far; thread-safe."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self.lock = threading.Lock()

    def allows(self, size: int) -> bool:
        with self.lock:
            return self.used + size <= self.limit

    def add(self, size: int) -> None:
        with self.lock:
            self.used += size


def download_spec(spec: str, *, cache: Path, index: str, args: argparse.Namespace, budget: Budget) -> dict:
    """Fetch one project's sdist and wheels into `cache/files`; return its manifest entry."""
    files_dir = cache / "files"
    entry: dict = {"spec": spec, "files": [], "notes": []}
    try:
        project, version, files = resolve(spec, index)
    except Exception as error:
        entry["notes"].append(f"resolve failed: {error}")
        return entry
    entry.update(project=project, version=version)
    max_bytes = args.max_file_mb * MB

    sdists = [f for f in files if f["filename"].endswith((".tar.gz", ".zip")) and not f.get("yanked")]
    sdists.sort(key=lambda f: not f["filename"].endswith(".tar.gz"))  # prefer .tar.gz, as pip does
    if sdists:
        chosen = sdists[0]
        size = chosen.get("size") or 0
        target = files_dir / chosen["filename"]
        if size > max_bytes:
            entry["notes"].append(f"sdist {chosen['filename']} skipped: {size // MB} MB")
        elif target.exists() or not budget.allows(size):
            if not target.exists():
                entry["notes"].append("sdist skipped: download budget spent")
        elif args.sdist_via == "pip":
            _pip_download(
                ["--no-binary", ":all:", f"{project}=={version}"], files_dir, entry, "sdist", budget
            )
        else:
            _fetch_file(chosen, target, entry, budget)
        if target.exists():
            entry["files"].append(asdict(Downloaded(spec, project, version, target.name, "sdist")))
    else:
        entry["notes"].append("no sdist")

    for label, (python, platforms) in TARGETS.items():
        largest = _largest_candidate(files, python, platforms)
        if largest == 0:
            continue  # no wheel for this target: nothing for pip to find
        if largest > max_bytes:
            entry["notes"].append(f"{label} wheel skipped: {largest // MB} MB")
            continue
        if largest > args.big_wheel_mb * MB and any(f["kind"] == "wheel" for f in entry["files"]):
            # Big binaries are alike across platforms: one is enough, the budget goes to variety.
            entry["notes"].append(f"{label} wheel skipped: big, another platform's is in")
            continue
        if not budget.allows(largest):
            entry["notes"].append(f"{label} wheel skipped: download budget spent")
            continue
        options = ["--only-binary", ":all:", "--python-version", python, "--implementation", "cp"]
        for platform in platforms:
            options += ["--platform", platform]
        saved = _pip_download([*options, f"{project}=={version}"], files_dir, entry, label, budget)
        for filename in saved:
            known = next((f for f in entry["files"] if f["filename"] == filename), None)
            if known is None:
                known = asdict(Downloaded(spec, project, version, filename, "wheel"))
                entry["files"].append(known)
            known["targets"].append(label)
    return entry


def _fetch_file(file: dict, target: Path, entry: dict, budget: Budget) -> None:
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(file["url"], timeout=300) as response, open(partial, "wb") as out:
            shutil.copyfileobj(response, out)
        expected = file.get("hashes", {}).get("sha256")
        if expected and hashlib.sha256(partial.read_bytes()).hexdigest() != expected:
            raise ValueError("sha256 mismatch")
        partial.rename(target)
        budget.add(target.stat().st_size)
    except Exception as error:
        partial.unlink(missing_ok=True)
        entry["notes"].append(f"sdist download failed: {error}")


_SAVED_RE = re.compile(r"^(Saved|File was already downloaded) (.+)$", re.MULTILINE)


def _pip_download(options: list[str], files_dir: Path, entry: dict, label: str, budget: Budget) -> list[str]:
    """Run `pip download --no-deps` and return the names of the files it saved (or already had)."""
    command = [str(VENV_BIN / "pip"), "download", "--no-deps", "--progress-bar", "off", "-d", str(files_dir)]
    try:
        result = subprocess.run(
            command + options, capture_output=True, text=True, env=_quiet_env(), timeout=900
        )
    except subprocess.TimeoutExpired:
        entry["notes"].append(f"{label}: pip download timed out")
        return []
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        entry["notes"].append(f"{label}: pip download failed: {last[:200]}")
        return []
    saved = []
    for verb, path in _SAVED_RE.findall(result.stdout):
        saved.append(Path(path.strip()).name)
        if verb == "Saved":
            budget.add((files_dir / saved[-1]).stat().st_size)
    return saved


def download_all(specs: list[str], *, cache: Path, args: argparse.Namespace) -> list[dict]:
    (cache / "files").mkdir(parents=True, exist_ok=True)
    manifest_path = cache / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    index = default_index_url()
    used = sum(path.stat().st_size for path in (cache / "files").iterdir() if path.is_file())
    budget = Budget(args.budget_mb * MB)
    budget.add(used)
    todo = [spec for spec in specs if spec not in manifest or args.refresh]
    print(f"downloading {len(todo)} of {len(specs)} specs ({used // MB} MB cached already)", flush=True)
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {
            pool.submit(download_spec, spec, cache=cache, index=index, args=args, budget=budget): spec
            for spec in todo
        }
        for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            entry = future.result()
            manifest[entry["spec"]] = entry
            if done % 10 == 0 or done == len(todo):
                manifest_path.write_text(json.dumps(manifest, indent=1))
                print(f"  {done}/{len(todo)} specs, {budget.used // MB} MB", flush=True)
    manifest_path.write_text(json.dumps(manifest, indent=1))
    print(f"downloads took {time.monotonic() - started:.0f} s", flush=True)
    return [manifest[spec] for spec in specs if spec in manifest]


# --- what the files are ------------------------------------------------------------------------------


def describe(path: Path) -> dict:
    """Metadata-Version, build backend and notable metadata features of one distribution file."""
    info: dict = {"metadata_version": "?", "backend": "?", "features": []}
    try:
        if path.name.endswith(".whl"):
            with zipfile.ZipFile(path) as archive:
                name, version = path.name.split("-")[:2]
                dist_info = f"{name}-{version}.dist-info"
                raw = archive.read(f"{dist_info}/METADATA")
                wheel = archive.read(f"{dist_info}/WHEEL").decode("utf-8", "replace")
            generator = re.search(r"^Generator: *(\S+)", wheel, re.MULTILINE)
            info["backend"] = generator.group(1) if generator else "?"
        else:
            raw, pyproject = _sdist_members(path)
            backend = re.search(r"""build-backend\s*=\s*["']([^"']+)""", pyproject or "")
            info["backend"] = backend.group(1) if backend else ("setup.py" if pyproject is None else "?")
    except Exception as error:
        info["backend"] = f"unreadable: {error}"
        return info
    meta, unparsed = parse_email(raw)
    info["metadata_version"] = meta.get("metadata_version", "?")
    requires = meta.get("requires_dist") or []
    content_type = meta.get("description_content_type") or ""
    features = {
        "License-Expression": "license_expression" in meta,
        "License-File": "license_files" in meta or "license-file" in unparsed,
        "Dynamic": "dynamic" in meta,
        "Import-Name": "import_names" in meta or "import_namespaces" in meta,
        "Requires-Dist with marker": any(";" in value for value in requires),
        "Requires-Dist with extras": any("[" in value for value in requires),
        "Project-URL label with space": any(" " in label for label in meta.get("project_urls") or {}),
        "description > 100 kB": len((meta.get("description") or "").encode("utf-8", "replace")) > 100_000,
        "Description-Content-Type markdown": "markdown" in content_type,
        "Description-Content-Type with parameters": ";" in content_type,
        "Description-Content-Type plain": content_type.startswith("text/plain"),
    }
    info["features"] = [name for name, present in features.items() if present]
    return info


def _sdist_members(path: Path) -> tuple[bytes, str | None]:
    """(PKG-INFO bytes, pyproject.toml text or None) from the top directory of an sdist."""
    if path.name.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            top = names[0].split("/")[0]
            pyproject = f"{top}/pyproject.toml"
            return archive.read(f"{top}/PKG-INFO"), (
                archive.read(pyproject).decode("utf-8", "replace") if pyproject in names else None
            )
    with tarfile.open(path) as archive:
        pkg_info, pyproject = b"", None
        for member in archive:
            parts = member.name.lstrip("./").split("/")
            if len(parts) == 2 and parts[1] == "PKG-INFO" and member.isfile():
                pkg_info = archive.extractfile(member).read()
            elif len(parts) == 2 and parts[1] == "pyproject.toml" and member.isfile():
                pyproject = archive.extractfile(member).read().decode("utf-8", "replace")
        return pkg_info, pyproject


# --- Wharf -------------------------------------------------------------------------------------------


def start_wharf(bench_dir: Path, max_file_size: int, root: Path = ROOT) -> tuple[str, str]:
    """A fresh embedded Wharf through `<root>/bench/serve_wharf.sh`; returns (url, token).

    `root` is the Wharf checkout to serve; another one than this (e.g. a `git archive` copy) keeps the
    run steady while the working tree is being edited.
    """
    # A port of our own: another bench server may hold serve_wharf.sh's default one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(
        os.environ,
        BENCH_DIR=str(bench_dir),
        WHARF_BENCH_PORT=str(port),
        WHARF_MAX_FILE_SIZE=str(max_file_size),
    )
    subprocess.run(["bash", str(root / "bench" / "serve_wharf.sh"), "start", "embedded"], env=env, check=True)
    pid = int((bench_dir / "pid").read_text())
    os.kill(pid, 0)  # raises if gunicorn did not stay up
    return (bench_dir / "url").read_text().strip(), (bench_dir / "token").read_text().strip()


def stop_wharf(bench_dir: Path, root: Path = ROOT) -> None:
    env = dict(os.environ, BENCH_DIR=str(bench_dir))
    subprocess.run(["bash", str(root / "bench" / "serve_wharf.sh"), "stop"], env=env, check=False)


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without any PIP_*, UV_* or TWINE_* variable, so only Wharf is consulted."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "TWINE_"))}
    env.update(COLUMNS="400", NO_COLOR="1", TERM="dumb", **extra)
    return env


_TWINE_ERROR_RE = re.compile(r"^ERROR\s+(.*)", re.MULTILINE | re.DOTALL)


def upload_one(path: Path, *, url: str, token: str) -> tuple[bool, str, str]:
    """(accepted, message, refused_by) for one `twine upload` of one file."""
    command = [
        str(VENV_BIN / "twine"),
        "upload",
        "--repository-url",
        f"{url}/legacy/",
        "-u",
        "__token__",
        "-p",
        token,
        "--disable-progress-bar",
        "--non-interactive",
        str(path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=_clean_env(), timeout=600)
    output = result.stdout + result.stderr
    if result.returncode == 0:
        return True, "", ""
    match = _TWINE_ERROR_RE.search(output)
    text = match.group(1) if match else output.strip()
    text = " ".join(text.split())
    if text.startswith("HTTPError:"):
        # "HTTPError: 400 Bad Request from <url>/legacy/ <reason phrase>": the reason is Wharf's message.
        reason = text.split("/legacy/", 1)[-1].strip()
        return False, f"{text.split(' from ', 1)[0].removeprefix('HTTPError: ')}: {reason}", "wharf"
    return False, text, "twine"


def upload_all(entries: list[dict], *, cache: Path, url: str, token: str, jobs: int) -> list[Outcome]:
    """Upload every file, one project per worker (a project's files go in order, sdist first)."""
    by_project: dict[str, list[dict]] = defaultdict(list)
    seen: set[str] = set()
    for entry in entries:
        for file in sorted(entry.get("files", []), key=lambda f: f["kind"] != "sdist"):
            if file["filename"] not in seen:
                seen.add(file["filename"])
                by_project[canonicalize_name(file["project"])].append(file)

    def run(files: list[dict]) -> list[Outcome]:
        outcomes = []
        for file in files:
            started = time.monotonic()
            accepted, message, refused_by = upload_one(
                cache / "files" / file["filename"], url=url, token=token
            )
            outcomes.append(
                Outcome(
                    filename=file["filename"],
                    project=file["project"],
                    version=file["version"],
                    kind=file["kind"],
                    accepted=accepted,
                    message=message,
                    refused_by=refused_by,
                    seconds=round(time.monotonic() - started, 2),
                )
            )
        return outcomes

    print(f"uploading {len(seen)} files of {len(by_project)} projects", flush=True)
    outcomes: list[Outcome] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for done, result in enumerate(pool.map(run, by_project.values()), start=1):
            outcomes += result
            if done % 20 == 0:
                print(f"  {done}/{len(by_project)} projects", flush=True)
    return outcomes


def check_served(outcomes: list[Outcome], *, cache: Path, url: str) -> list[str]:
    """Wharf must serve every accepted file with the sha256 we uploaded, and a wheel's METADATA as is."""
    problems = []
    accepted: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.accepted:
            accepted[canonicalize_name(outcome.project)].append(outcome)
    for project, files in accepted.items():
        try:
            listing = fetch_json(f"{url}/simple/{project}/")
        except Exception as error:
            problems.append(f"{project}: Simple API failed: {error}")
            continue
        served = {file["filename"]: file for file in listing["files"]}
        for outcome in files:
            path = cache / "files" / outcome.filename
            entry = served.get(outcome.filename)
            if entry is None:
                problems.append(f"{outcome.filename}: accepted but not listed")
                continue
            if entry["hashes"].get("sha256") != hashlib.sha256(path.read_bytes()).hexdigest():
                problems.append(f"{outcome.filename}: listed sha256 differs from the uploaded file")
            if outcome.kind == "wheel":
                problems += _check_metadata_file(path, entry, url)
    return problems


def _check_metadata_file(path: Path, entry: dict, url: str) -> list[str]:
    metadata_url = entry["url"] if "://" in entry["url"] else f"{url}{entry['url']}"
    try:
        with urllib.request.urlopen(metadata_url.split("#")[0] + ".metadata", timeout=60) as response:
            served = response.read()
        with zipfile.ZipFile(path) as archive:
            name = next(
                n for n in archive.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1
            )
            original = archive.read(name)
    except Exception as error:
        return [f"{path.name}: .metadata not served: {error}"]
    return [] if served == original else [f"{path.name}: .metadata differs from the wheel's METADATA"]


# JSON API `info` key → what it must hold, computed from the RawMetadata of the file that created the
# release (the form twine sent is made from exactly that file).
_JSON_FIELDS = {
    "summary": lambda raw: raw.get("summary"),
    "author": lambda raw: raw.get("author"),
    "author_email": lambda raw: raw.get("author_email"),
    "maintainer": lambda raw: raw.get("maintainer"),
    "maintainer_email": lambda raw: raw.get("maintainer_email"),
    "license": lambda raw: raw.get("license"),
    "keywords": lambda raw: ", ".join(raw["keywords"]) if raw.get("keywords") else None,
    "requires_python": lambda raw: raw.get("requires_python"),
    "requires_dist": lambda raw: raw.get("requires_dist"),
    "provides_extra": lambda raw: raw.get("provides_extra"),
    "classifiers": lambda raw: raw.get("classifiers") or [],
    "description_content_type": lambda raw: raw.get("description_content_type"),
    "description": lambda raw: raw.get("description") or "",
}


def _blank_unknown(value):
    """twine sends what the file says; Warehouse (and Wharf) drop the distutils placeholder `UNKNOWN`."""
    if isinstance(value, str):
        return None if value.strip() in ("", "UNKNOWN") else value
    if isinstance(value, list):
        kept = [item for item in value if item.strip() not in ("", "UNKNOWN")]
        return kept
    return value


def check_json_api(outcomes: list[Outcome], *, cache: Path, url: str) -> list[str]:
    """The JSON API must show the metadata of the file that created each release, as that file says it."""
    first: dict[tuple[str, str], Outcome] = {}
    for outcome in outcomes:
        if outcome.accepted:
            first.setdefault((canonicalize_name(outcome.project), outcome.version), outcome)
    problems = []
    for (project, version), outcome in sorted(first.items()):
        try:
            info = fetch_json(f"{url}/pypi/{project}/{version}/json", accept="application/json")["info"]
            raw, _ = parse_email(_metadata_bytes(cache / "files" / outcome.filename))
        except Exception as error:
            problems.append(f"{outcome.filename}: JSON API check failed: {error}")
            continue
        for key, expected_of in _JSON_FIELDS.items():
            expected = _blank_unknown(expected_of(raw))
            shown = info.get(key)
            # The Description header of old metadata is folded with 8 spaces; Wharf unfolds it, which
            # the README's list of deliberate differences does not mention: reported on its own.
            if key == "description" and shown != expected and _unfolded(expected or "") == shown:
                problems.append(f"note: {outcome.filename}: description stored unfolded")
                continue
            if (expected or None) != (shown or None):
                problems.append(
                    f"{outcome.filename}: {key}: file says {_short(expected)}, JSON API shows {_short(shown)}"
                )
    return problems


def _unfolded(text: str) -> str:
    sys.path.insert(0, str(ROOT))
    from registry.upload.metadata import unfold_description

    return unfold_description(text)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 160 else text[:150] + "…"


def _metadata_bytes(path: Path) -> bytes:
    if path.name.endswith(".whl"):
        name, version = path.name.split("-")[:2]
        with zipfile.ZipFile(path) as archive:
            return archive.read(f"{name}-{version}.dist-info/METADATA")
    return _sdist_members(path)[0]


# --- installing --------------------------------------------------------------------------------------


def install_checks(outcomes: list[Outcome], *, cache: Path, url: str, sample: int) -> list[dict]:
    """Install `sample` accepted projects with pip and with uv, from Wharf only.

    Only releases whose Requires-Python admits this interpreter are tried.
    """
    candidates: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.accepted and _admits_this_python(cache / "files" / outcome.filename):
            candidates[(outcome.project, outcome.version)].append(outcome)
    here = _supported_tags("{}.{}".format(*sys.version_info[:2]), _this_platforms())

    def installable(key: tuple[str, str]) -> bool:
        return any(
            o.kind == "wheel" and {str(t) for t in parse_wheel_filename(o.filename)[3]} & here
            for o in candidates[key]
        )

    # Mostly projects with a wheel this machine can use; a fifth sdist-only ones, built from Wharf
    # alone (their build backends must have been accepted too). Spread evenly over the sorted list.
    with_wheel = sorted(key for key in candidates if installable(key))
    sdist_only = sorted(key for key in candidates if all(o.kind == "sdist" for o in candidates[key]))
    chosen = _spread(with_wheel, sample - min(sample // 5, len(sdist_only)))
    chosen += _spread(sdist_only, sample - len(chosen))
    print(f"installing {len(chosen)} projects with pip and uv", flush=True)
    results = []
    for project, version in chosen:
        results.append(
            {
                "project": project,
                "version": version,
                "pip": _install("pip", project, version, url),
                "uv": _install("uv", project, version, url),
            }
        )
    return results


def _admits_this_python(path: Path) -> bool:
    try:
        raw, _ = parse_email(_metadata_bytes(path))
        return SpecifierSet(raw.get("requires_python", "")).contains(
            "{}.{}.{}".format(*sys.version_info[:3]), prereleases=True
        )
    except Exception:
        return True  # let the installer say what is wrong


def _spread(items: list, count: int) -> list:
    if count >= len(items):
        return list(items)
    step = len(items) / max(count, 1)
    return [items[int(i * step)] for i in range(count)]


def _this_platforms() -> list[str]:
    return list(platform_tags())


_BUILD_FAILED = ("Failed to build", "failed-wheel-build", "setup command:", "Build failures usually")


def _install(tool: str, project: str, version: str, url: str) -> str:
    """ "ok", or the last line of the installer's error."""
    with tempfile.TemporaryDirectory(prefix=f"realworld-{tool}-") as target:
        requirement = f"{project}=={version}"
        if tool == "pip":
            command = [str(VENV_BIN / "pip"), "--isolated", "install", "--no-deps", "--no-cache-dir"]
            command += ["--index-url", f"{url}/simple/", "--target", target, requirement]
            env = _clean_env(PIP_CONFIG_FILE="/dev/null")
        else:
            uv = shutil.which("uv", path=str(VENV_BIN)) or "uv"
            command = [uv, "pip", "install", "--no-deps", "--no-cache", "--python", sys.executable]
            command += ["--index-url", f"{url}/simple/", "--target", target, requirement]
            env = _clean_env(UV_NO_CONFIG="1", PIP_CONFIG_FILE="/dev/null")
        try:
            result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
        except subprocess.TimeoutExpired:
            return "timed out"
        if result.returncode == 0:
            return "ok"
        output = result.stdout + result.stderr
        # The index served the sdist and its build requirements; the build itself failed (an old
        # setup.py on a current Python, a missing compiler or header): not the index's doing.
        unresolved = "when installing build dependencies" in output
        built = any(sign in output for sign in _BUILD_FAILED) and not unresolved
        prefix = "build failed (not an index problem): " if built else ""
        lines = [line for line in (result.stderr or result.stdout).strip().splitlines() if line.strip()]
        return prefix + (" | ".join(lines[-3:])[:400] or f"exit {result.returncode}")


# --- the report --------------------------------------------------------------------------------------


def message_shape(message: str) -> str:
    """Group refusals whose messages differ only in filenames, names, versions and numbers."""
    shape = re.sub(r"'[^']*'", "'…'", message)
    shape = re.sub(r"\([^()]*\)", "(…)", shape)
    shape = re.sub(r"\S+\.(?:whl|tar\.gz|zip)\b", "<file>", shape)
    return re.sub(r"\d+(?:\.\d+)*", "N", shape)


def report(
    entries: list[dict], outcomes: list[Outcome], served: list[str], installs: list[dict], cache: Path
):
    descriptions = {}
    for outcome in outcomes:
        descriptions[outcome.filename] = describe(cache / "files" / outcome.filename)

    projects = {entry.get("project") or entry["spec"] for entry in entries}
    accepted = [o for o in outcomes if o.accepted]
    refused = [o for o in outcomes if not o.accepted]
    print()
    print("== coverage ==")
    print(
        "metadata versions:",
        dict(sorted(Counter(d["metadata_version"] for d in descriptions.values()).items())),
    )
    backends = Counter(d["backend"].split("(")[0].strip() for d in descriptions.values())
    print("backends / generators:", dict(backends.most_common()))
    features = Counter(feature for d in descriptions.values() for feature in d["features"])
    print("features:", dict(features.most_common()))
    notes = [f"{e['spec']}: {note}" for e in entries for note in e.get("notes", [])]
    print(f"download notes: {len(notes)} (see report.json)")

    print()
    print("== uploads ==")
    kinds = Counter(o.kind for o in outcomes)
    print(f"projects tried: {len(projects)}; files: {len(outcomes)} ({dict(kinds)})")
    print(
        f"accepted: {len(accepted)}; refused by Wharf: {sum(o.refused_by == 'wharf' for o in refused)}; "
        f"refused by twine before sending: {sum(o.refused_by == 'twine' for o in refused)}"
    )
    by_version: dict[str, Counter] = defaultdict(Counter)
    for outcome in outcomes:
        version = descriptions[outcome.filename]["metadata_version"]
        by_version[version]["accepted" if outcome.accepted else "refused"] += 1
    print("by Metadata-Version:", {v: dict(c) for v, c in sorted(by_version.items())})

    groups: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in refused:
        groups[(outcome.refused_by, message_shape(outcome.message))].append(outcome)
    for (who, shape), items in sorted(groups.items(), key=lambda item: -len(item[1])):
        print(f"\n[{who}] {len(items)} x {shape}")
        for outcome in items[:50]:
            print(f"    {outcome.filename}: {outcome.message[:600]}")

    print()
    print("== served back ==")
    real = [problem for problem in served if not problem.startswith("note: ")]
    print(
        f"problems: {len(real)}; notes: {len(served) - len(real)} (old folded descriptions stored unfolded)"
    )
    for problem in real[:50]:
        print("   ", problem)

    if installs:
        print()
        print("== installs from Wharf only ==")
        for tool in ("pip", "uv"):
            ok = sum(result[tool] == "ok" for result in installs)
            built = sum(result[tool].startswith("build failed") for result in installs)
            print(f"{tool}: {ok}/{len(installs)} ok, {built} sdist builds failed after download")
            for result in installs:
                if result[tool] != "ok":
                    print(f"    {result['project']}=={result['version']}: {result[tool]}")

    (cache / "report.json").write_text(
        json.dumps(
            {
                "outcomes": [asdict(o) for o in outcomes],
                "descriptions": descriptions,
                "download_notes": notes,
                "served_problems": served,
                "installs": installs,
            },
            indent=1,
        )
    )
    print(
        f"\nfinal: {len(accepted)} accepted, {len(refused)} refused of {len(outcomes)} files "
        f"from {len(projects)} projects; report in {cache / 'report.json'}"
    )


def _local_entry(path: Path, *, cache: Path) -> dict:
    """A manifest entry for a distribution built here rather than downloaded (copied into the cache)."""
    (cache / "files").mkdir(parents=True, exist_ok=True)
    if path.resolve() != (cache / "files" / path.name).resolve():
        shutil.copyfile(path, cache / "files" / path.name)
    if path.name.endswith(".whl"):
        name, version, _, _ = parse_wheel_filename(path.name)
        kind = "wheel"
    else:
        name, version = parse_sdist_filename(path.name)
        kind = "sdist"
    spec = f"local:{path.name}"
    file = asdict(Downloaded(spec, str(name), str(version), path.name, kind))
    return {"spec": spec, "project": str(name), "version": str(version), "files": [file], "notes": []}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("specs", nargs="*", help="requirement specs (`name` or `name==version`)")
    parser.add_argument("--specs-file", type=Path, help="one spec a line")
    parser.add_argument(
        "--extra-files",
        type=Path,
        nargs="*",
        default=[],
        help="local sdists/wheels to upload too (e.g. uv_build's)",
    )
    parser.add_argument("--cache", type=Path, default=Path("/tmp/realworld-cache"))
    parser.add_argument("--bench-dir", type=Path, default=Path("/tmp/realworld-bench"))
    parser.add_argument("--max-file-mb", type=int, default=60)
    parser.add_argument("--budget-mb", type=int, default=1500)
    parser.add_argument("--big-wheel-mb", type=int, default=10, help="wheels this big: one platform only")
    parser.add_argument("--sdist-via", choices=("index", "pip"), default="index")
    parser.add_argument("--jobs", type=int, default=4, help="parallel downloads; uploads use half")
    parser.add_argument("--skip-download", action="store_true", help="use the cached files only")
    parser.add_argument("--refresh", action="store_true", help="download specs already in the cache again")
    parser.add_argument("--install-sample", type=int, default=40, help="projects to install (0: none)")
    parser.add_argument("--keep-server", action="store_true")
    parser.add_argument("--wharf-root", type=Path, default=ROOT, help="the Wharf checkout to serve")
    parser.add_argument("--report-only", action="store_true", help="report on the last run's saved results")
    args = parser.parse_args()

    specs = args.specs or DEFAULT_SPECS
    if args.specs_file:
        specs = [line.strip() for line in args.specs_file.read_text().splitlines() if line.strip()]
    if args.skip_download:
        manifest = json.loads((args.cache / "manifest.json").read_text())
        entries = [manifest[spec] for spec in specs if spec in manifest]
    else:
        entries = download_all(specs, cache=args.cache, args=args)

    entries += [_local_entry(path, cache=args.cache) for path in args.extra_files]
    if args.report_only:
        saved = json.loads((args.cache / "outcomes.json").read_text())
        outcomes = [Outcome(**item) for item in saved["outcomes"]]
        report(entries, outcomes, saved["served"], saved["installs"], args.cache)
        return
    url, token = start_wharf(args.bench_dir, max_file_size=(args.max_file_mb + 40) * MB, root=args.wharf_root)
    try:
        outcomes = upload_all(entries, cache=args.cache, url=url, token=token, jobs=max(args.jobs // 2, 1))
        results = {"outcomes": [asdict(o) for o in outcomes], "served": [], "installs": []}
        (args.cache / "outcomes.json").write_text(json.dumps(results, indent=1))
        served = check_served(outcomes, cache=args.cache, url=url)
        served += check_json_api(outcomes, cache=args.cache, url=url)
        results["served"] = served
        installs = (
            install_checks(outcomes, cache=args.cache, url=url, sample=args.install_sample)
            if args.install_sample
            else []
        )
        results["installs"] = installs
        (args.cache / "outcomes.json").write_text(json.dumps(results, indent=1))
    finally:
        if not args.keep_server:
            stop_wharf(args.bench_dir, root=args.wharf_root)
    report(entries, outcomes, served, installs, args.cache)


if __name__ == "__main__":
    main()
