"""The real clients, run as users run them, against nothing but the Wharf under test: twine, pip, uv, build
(and a Chromium page given a logged-in session)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
# gunicorn as production runs it (config/gunicorn.conf.py), on a port of the system's choosing: started
# from ROOT, it writes the port to its log (`listening_port`).
GUNICORN = [
    str(BIN / "gunicorn"),
    "-c",
    "config/gunicorn.conf.py",
    "-b",
    "127.0.0.1:0",
    "config.wsgi:application",
]


def listening_port(log_text: str) -> int | None:
    """The port gunicorn says it listens on, once its log says so."""
    found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log_text)
    return int(found[1]) if found else None


def server_env(**settings: str) -> dict[str, str]:
    """This process's environment without the suite's database, cache and Wharf settings, plus `settings`: a
    server a test starts runs only on what the test gives it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "REDIS_URL", "WHARF_", "DJANGO_", "WEB_CONCURRENCY"))
    }
    env.update(settings)
    return env


def clean_env(**extra: str) -> dict[str, str]:
    """No pip/uv/twine configuration or proxies from this machine: only Wharf is consulted."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "UV_", "TWINE_")) and not key.lower().endswith("_proxy")
    }
    env.update(
        {"PIP_CONFIG_FILE": os.devnull, "UV_NO_CONFIG": "1", "NO_PROXY": "*", "PYTHONDONTWRITEBYTECODE": "1"}
    )
    # Build backends such as uv_build find their helper binary on PATH.
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def run(cmd: list[str], *, check: bool = False, timeout: int = 300, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(part) for part in cmd],
        capture_output=True,
        text=True,
        env=kwargs.pop("env", clean_env()),
        timeout=timeout,
        **kwargs,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd[0]} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def twine_upload(files, *, repository_url: str, token: str, check: bool = False, extra: tuple = ()):
    return run(
        [
            BIN / "twine",
            "upload",
            "--non-interactive",
            "--disable-progress-bar",
            "--repository-url",
            repository_url,
            "-u",
            "__token__",
            "-p",
            token,
            *extra,
            *files,
        ],
        check=check,
    )


def publish(tmp_path: Path, upload_url: str, token: str, *dists) -> None:
    """Write the distributions (`tests.builders.Dist`) to disk and upload them with twine, as a maintainer
    does."""
    directory = tmp_path / "dist"
    directory.mkdir(exist_ok=True)
    paths = []
    for dist in dists:
        path = directory / dist.filename
        path.write_bytes(dist.content)
        paths.append(path)
    result = twine_upload(paths, repository_url=upload_url, token=token)
    assert result.returncode == 0, result.stdout + result.stderr


def log_in_with_cookie(page, wharf: str, user) -> None:
    """Give a Chromium page a session of `user` (test_manage_browser exercises the login form itself)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": wharf}]
    )


def pip(*args, check: bool = True):
    return run([sys.executable, "-m", "pip", "--isolated", "--disable-pip-version-check", *args], check=check)


def pip_install(index_url: str, target: Path, *requirements: str, check: bool = True, extra: tuple = ()):
    return pip(
        "install",
        "--no-cache-dir",
        "--index-url",
        index_url,
        "--target",
        target,
        *extra,
        *requirements,
        check=check,
    )


def uv_install(index_url: str, target: Path, *requirements: str, check: bool = True, extra: tuple = ()):
    return run(
        [
            BIN / "uv",
            "pip",
            "install",
            "--no-cache",
            "--python",
            sys.executable,
            "--index-url",
            index_url,
            "--target",
            target,
            *extra,
            *requirements,
        ],
        check=check,
    )


def installed(target: Path) -> dict[str, str]:
    """name → version of every distribution installed in `target`."""
    found = {}
    for info in Path(target).glob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").rpartition("-")
        found[name.lower().replace("_", "-")] = version
    return found


BACKENDS = {
    "setuptools": ('requires = ["setuptools>=77"]', "setuptools.build_meta"),
    "hatchling": ('requires = ["hatchling"]', "hatchling.build"),
    "flit": ('requires = ["flit_core>=3.12"]', "flit_core.buildapi"),
    "pdm": ('requires = ["pdm-backend"]', "pdm.backend"),
    "poetry": ('requires = ["poetry-core>=2"]', "poetry.core.masonry.api"),
    "uv": ('requires = ["uv_build"]', "uv_build"),
}


def build_project(
    root: Path,
    *,
    name: str,
    version: str,
    backend: str = "setuptools",
    dependencies: tuple[str, ...] = (),
    requires_python: str = ">=3.9",
    readme: str = "# Demo\n\nA project built for Wharf's tests.\n",
) -> list[Path]:
    """Write a tiny project using `backend` and build its sdist and wheel with `python -m build`."""
    project = root / f"{name}-{version}-{backend}"
    module = name.replace("-", "_").lower()
    package = project / "src" / module
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(f'"""{name} for tests."""\n__version__ = "{version}"\n')
    (project / "README.md").write_text(readme)
    (project / "LICENSE").write_text("MIT License\n\nCopyright (c) Wharf tests\n")
    requires, build_backend = BACKENDS[backend]
    deps = ", ".join(f'"{dep}"' for dep in dependencies)
    (project / "pyproject.toml").write_text(
        f"""[build-system]
{requires}
build-backend = "{build_backend}"

[project]
name = "{name}"
version = "{version}"
description = "A tiny project for Wharf's tests"
readme = "README.md"
requires-python = "{requires_python}"
license = "MIT"
license-files = ["LICENSE"]
authors = [{{name = "Wharf Tests", email = "tests@example.com"}}]
classifiers = ["Programming Language :: Python :: 3"]
dependencies = [{deps}]

[project.urls]
Homepage = "https://example.com/{name}"
"""
        + _backend_layout(backend, module)
    )
    out = project / "dist"
    run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--skip-dependency-check",
            "--outdir",
            out,
            project,
        ],
        check=True,
    )
    return sorted(out.iterdir())


def _backend_layout(backend: str, module: str) -> str:
    if backend == "hatchling":
        return f'\n[tool.hatch.build.targets.wheel]\npackages = ["src/{module}"]\n'
    if backend == "poetry":
        return f'\n[tool.poetry]\npackages = [{{include = "{module}", from = "src"}}]\n'
    return ""


def have(tool: str) -> bool:
    return shutil.which(tool) is not None or (BIN / tool).exists()
