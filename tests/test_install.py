"""The installed environment is the locked one, and set-up stays what the lock files say.

A drifting environment (a package upgraded by hand, a lock bumped without reinstalling, a CUDA torch on a CPU
set-up) fails here, by name, instead of at import time somewhere in the bot.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCKS = ROOT / "requirements"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    hashes: int


def read_lock(path: Path) -> dict[str, Pin]:
    """The pins of a pip requirements file that apply to this interpreter and platform."""
    text = re.sub(r"\\\n", " ", path.read_text("utf-8"))
    pins: dict[str, Pin] = {}
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        spec, *options = line.split(" --")
        requirement = Requirement(spec)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{path.name}: {spec} is not an exact pin"
        name = canonicalize_name(requirement.name)
        pins[name] = Pin(name, specifier.version, sum(option.startswith("hash=") for option in options))
    return pins


def installed() -> dict[str, str]:
    return {canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}


def direct_dependencies(*extras: str) -> set[str]:
    optional = PROJECT["optional-dependencies"]
    specs = list(PROJECT["dependencies"]) + [spec for extra in extras for spec in optional[extra]]
    return {canonicalize_name(Requirement(spec).name) for spec in specs}


@pytest.mark.parametrize("lock", ["dev.txt", "runtime.txt", "torch-cpu.txt", "torch-cuda.txt"])
def test_every_entry_is_an_exact_pin_with_hashes(lock: str) -> None:
    pins = read_lock(LOCKS / lock)
    assert pins
    assert [pin.name for pin in pins.values() if pin.hashes == 0] == []


def test_installed_packages_are_the_locked_versions() -> None:
    have = installed()
    wrong = {
        name: f"installed {have.get(name, 'nothing')}, locked {pin.version}"
        for name, pin in read_lock(LOCKS / "dev.txt").items()
        if have.get(name) != pin.version
    }
    assert wrong == {}, "the environment drifted from requirements/dev.txt: run `make install`"


def test_torch_is_one_of_the_locked_builds() -> None:
    cpu = read_lock(LOCKS / "torch-cpu.txt")["torch"].version
    cuda = read_lock(LOCKS / "torch-cuda.txt")["torch"].version
    version = metadata.version("torch")
    assert version in {cpu, cuda}
    gpu_only = sorted(name for name in installed() if name.startswith(("nvidia-", "cuda-", "triton")))
    if version == cpu and cpu.endswith("+cpu"):
        assert gpu_only == [], "a CPU set-up holds CUDA packages"


def test_runtime_and_cuda_locks_agree_with_the_dev_lock() -> None:
    dev = read_lock(LOCKS / "dev.txt")
    for lock in ("runtime.txt", "torch-cuda.txt"):
        pins = read_lock(LOCKS / lock)
        shared = set(pins) & set(dev)
        differ = {name: (pins[name].version, dev[name].version) for name in shared if pins[name] != dev[name]}
        assert differ == {}, f"{lock} and dev.txt pin different versions: run `make lock`"


def test_every_direct_dependency_is_locked() -> None:
    runtime = read_lock(LOCKS / "runtime.txt")
    dev = read_lock(LOCKS / "dev.txt")
    assert direct_dependencies() - {"torch"} - set(runtime) == set()
    assert direct_dependencies("dev") - {"torch"} - set(dev) == set()


def _imported_modules(folder: Path) -> set[str]:
    modules: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


@pytest.mark.parametrize(("folders", "extras"), [(("summarizer", "bot"), ()), (("tests", "bench"), ("dev",))])
def test_every_imported_package_is_a_direct_dependency(folders: tuple[str, ...], extras: tuple[str, ...]) -> None:
    """Nothing we import may reach us only as somebody else's dependency (or extra, like lxml_html_clean did)."""
    owners = metadata.packages_distributions()
    ours = {"summarizer", "bot", "tests", "extraction_metric", "facts_metric"}
    imported = set().union(*(_imported_modules(ROOT / folder) for folder in folders))
    third_party = {module for module in imported - ours if module in owners and module not in sys.stdlib_module_names}
    needed = {canonicalize_name(owners[module][0]) for module in third_party}
    assert needed - direct_dependencies(*extras) == set()
    assert "lxml-html-clean" in direct_dependencies()  # trafilatura imports lxml.html.clean from it


def test_setup_does_not_hang_on_an_unreachable_torch_index() -> None:
    """A package index whose host cannot be resolved costs seconds: pip gives up on it and looks elsewhere."""
    command = [
        "make",
        "-s",
        "torch-plan",
        f"PYTHON={sys.executable}",
        "TORCH_INDEX=https://torch-index.invalid/whl/cpu",
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    if done.returncode == 0:  # another configured source (a wheel folder, a mirror) has the locked CPU build
        assert re.search(r"Would install torch-\S+\+cpu", output), output
    else:  # nowhere to get it from: pip says so in one line
        assert "No matching distribution found for torch" in output, output
