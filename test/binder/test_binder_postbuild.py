"""Binder's set-up script, run here from a fresh clone.

Binder builds an image with repo2docker: a conda environment from binder/environment.yml, then
binder/postBuild. Everything but repo2docker's own machinery is exercised here: a fresh clone of this
repository, a fresh Python environment standing in for Binder's (CONDA_PREFIX), postBuild, and then the
checks a Binder user relies on: the glasswing kernel and the extension are installed where that
environment's JupyterLab finds them, and the native TensorFlow backend loads.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args, **kwargs):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kwargs)


def test_postbuild_sets_up_a_fresh_clone(tmp_path):
    clone = tmp_path / "glasswing"
    run("git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone))
    # Reuse the downloaded TensorFlow wheel: the download itself is not what this test is about.
    wheels = ROOT / ".cache" / "wheels"
    if wheels.is_dir():
        shutil.copytree(wheels, clone / ".cache" / "wheels")
    env_prefix = tmp_path / "binder-env"
    run(sys.executable, "-m", "venv", str(env_prefix))

    env = {**os.environ, "CONDA_PREFIX": str(env_prefix), "GLASSWING_BACKEND": ""}
    result = subprocess.run(
        [str(clone / "binder" / "postBuild")], cwd=clone, env=env, text=True, capture_output=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    jupyter = str(env_prefix / "bin" / "jupyter")
    kernels = json.loads(run(jupyter, "kernelspec", "list", "--json").stdout)["kernelspecs"]
    assert "glasswing" in kernels
    assert kernels["glasswing"]["resource_dir"].startswith(str(env_prefix))
    extensions = run(jupyter, "labextension", "list", env=env)
    assert "glasswing-extension" in extensions.stdout + extensions.stderr

    probe = run(
        "node", "-e", "require('./dist').ready().then(i => console.log(JSON.stringify(i)))", cwd=clone, env=env
    )
    info = json.loads(probe.stdout.strip().splitlines()[-1])
    assert info["backend"] == "tensorflow"
    assert info["tensorflowVersion"] == "2.21.0"
