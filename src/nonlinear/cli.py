"""Command-line interface: ``python -m nonlinear build | list | clean``.

Exit codes: 0 on success, 1 when a task fails, 2 for invalid arguments or
configuration (an unknown experiment, a non-positive value, an unwritable folder).
"""

from __future__ import annotations

import argparse
import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

from nonlinear import experiments
from nonlinear.config import (
    ACTIVATIONS,
    DEFAULT_SEED,
    HEADS,
    ConfigError,
    DataConfig,
    ExperimentConfig,
    ModelConfig,
    TrainConfig,
)

EXIT_FAILED = 1
EXIT_USAGE = 2
#: Exit code after Ctrl-C, as a shell reports a process ended by SIGINT.
EXIT_INTERRUPTED = 130

#: Empty file that marks a folder written by ``run``, the only kind it replaces.
RUN_MARKER = ".nonlinear-run"


class Progress:
    """Prints what is running, how far it got and how long it took.

    On a terminal the current state is redrawn on one line; elsewhere (CI logs)
    each start and finish is a line of its own.
    """

    def __init__(self, stream=None, quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.interactive = self.stream.isatty()
        self.started: dict[str, float] = {}
        self.state: dict[str, str] = {}
        self.total = 0
        self.finished = 0

    def __call__(self, event: dict) -> None:
        kind = event["type"]
        if kind == "plan":
            self.total = sum(status == "stale" for _, status in event["tasks"])
            cached = len(event["tasks"]) - self.total
            self._line(f"{self.total} to run, {cached} from the cache")
        elif kind == "start":
            self.started[event["name"]] = time.monotonic()
            self.state[event["name"]] = "starting"
            self._status()
        elif kind == "progress":
            self.state[event["name"]] = f"epoch {event['done']}/{event['total']}"
            self._status()
        elif kind in ("done", "failed"):
            self.finished += 1
            self.state.pop(event["name"], None)
            verb = "done" if kind == "done" else f"FAILED: {event.get('error')}"
            seconds = event.get("seconds") or 0.0
            self._line(f"[{self.finished}/{self.total}] {event['name']} {verb} ({seconds:.1f} s)")
        elif kind == "unpublished":
            self._line(f"outputs not published: {event['reason']}")

    def _status(self) -> None:
        if self.quiet or not self.interactive:
            return
        now = time.monotonic()
        parts = [
            f"{name}: {state} {now - self.started.get(name, now):.0f}s"
            for name, state in self.state.items()
        ]
        text = f"[{self.finished}/{self.total}] " + " | ".join(parts)
        self.stream.write("\r\033[K" + text[: shutil.get_terminal_size().columns - 1])
        self.stream.flush()

    def _line(self, text: str) -> None:
        if self.quiet:
            return
        prefix = "\r\033[K" if self.interactive else ""
        self.stream.write(f"{prefix}{text}\n")
        self.stream.flush()


def format_summary(tasks, seconds: float) -> str:
    """Return a table of each task, where its outputs came from and its time."""
    width = max([len(task.name) for task in tasks] + [10])
    lines = [f"{'task':<{width}}  {'source':<7}  {'time':>8}"]
    for task in tasks:
        source = "cache" if task.status == "cached" else "ran"
        time_text = f"{task.seconds:.1f} s" if task.status == "ran" else "-"
        lines.append(f"{task.name:<{width}}  {source:<7}  {time_text:>8}")
    ran = sum(task.status == "ran" for task in tasks)
    lines.append(f"{len(tasks)} tasks, {ran} ran, {len(tasks) - ran} from the cache, "
                 f"{seconds:.1f} s in all")
    return "\n".join(lines)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def make_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the command-line interface."""
    parser = argparse.ArgumentParser(
        prog="python -m nonlinear",
        description="Run the article's experiments and write its figures and metrics.",
    )
    parser.add_argument("--docs-dir", type=Path, default=Path("docs"),
                        help="folder of the article's pages and notebooks (default: docs)")
    parser.add_argument("--build-dir", type=Path, default=Path("build"),
                        help="folder for the cache and the published outputs (default: build)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="bring outputs up to date and publish them")
    build.add_argument("names", nargs="*", metavar="EXPERIMENT",
                       help="experiments to build (default: all, and the notebooks)")
    build.add_argument("-j", "--jobs", type=_positive_int, default=None,
                       help="worker processes for stale tasks (default: number of CPUs)")
    build.add_argument("--force", action="store_true",
                       help="rerun the selected experiments even if cached")
    build.add_argument("-q", "--quiet", action="store_true", help="print only errors")

    run = commands.add_parser(
        "run",
        help="train one network with your own settings into a folder (not published)",
        description="Train one network on two moons with the given settings and "
        "write its figures and metrics.json into --output. Defaults are the "
        "article's ReLU experiment.",
    )
    run.add_argument("--output", type=Path, required=True,
                     help="folder to write into; replaced when the run succeeds")
    run.add_argument("--activation", default="relu",
                     help=f"hidden-layer activation: {', '.join(ACTIVATIONS)} (default: relu)")
    run.add_argument("--hidden", default="200,150,100,50",
                     help="hidden-layer widths, comma-separated (default: 200,150,100,50)")
    run.add_argument("--head", default="sigmoid_bce",
                     help=f"output head: {', '.join(HEADS)} (default: sigmoid_bce)")
    run.add_argument("--epochs", type=int, default=50, help="training epochs (default: 50)")
    run.add_argument("--batch-size", type=int, default=25, help="samples per step (default: 25)")
    run.add_argument("--samples", type=int, default=1000,
                     help="samples generated by make_moons (default: 1000)")
    run.add_argument("--test-size", type=int, default=250,
                     help="samples held out for testing, taken first (default: 250)")
    run.add_argument("--validation-split", type=float, default=0.2,
                     help="share of the remaining samples used for validation (default: 0.2)")
    run.add_argument("--noise", type=float, default=0.0,
                     help="standard deviation of Gaussian noise added by make_moons (default: 0)")
    run.add_argument("--seed", type=int, default=DEFAULT_SEED,
                     help=f"seed of the data, the initial weights and the sample order "
                          f"(default: {DEFAULT_SEED})")

    reproducible = commands.add_parser(
        "check-reproducible",
        help="build two clean clones of HEAD and list every file that differs",
    )
    reproducible.add_argument("--repository", type=Path, default=Path("."),
                              help="git repository to clone (default: the current folder)")
    reproducible.add_argument("--keep", type=Path, default=None,
                              help="build in this folder and keep it (default: a temporary folder)")

    benchmark = commands.add_parser(
        "benchmark",
        help="time cold, no-op and incremental builds and training; write JSON",
    )
    benchmark.add_argument("--repository", type=Path, default=Path("."),
                           help="git repository whose HEAD is measured (default: .)")
    benchmark.add_argument("--output", type=Path, default=Path("docs/benchmark.json"),
                           help="where to write the results (default: docs/benchmark.json)")

    commands.add_parser("list", help="list the experiments and whether they are cached")
    commands.add_parser("clean", help="delete the cache and the published outputs")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return the exit code."""
    parser = make_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    from nonlinear import pipeline

    paths = pipeline.Paths(docs=args.docs_dir.resolve(), build=args.build_dir.resolve())
    try:
        if args.command == "list":
            paths.check_docs()
            return _list(paths)
        if args.command == "run":
            return _run(args)
        if args.command == "benchmark":
            from nonlinear import benchmark

            return benchmark.main(_repository(args.repository), args.output.resolve())
        if args.command == "check-reproducible":
            from nonlinear import reproducibility

            return reproducibility.main(_repository(args.repository), args.keep)
        if args.command == "clean":
            return _clean(paths)
        return _build(args, paths)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except pipeline.BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted; the published outputs are unchanged", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of the output, such as `head`, closed the pipe early.
        sys.stdout = None
        return 0


def _repository(path: Path) -> Path:
    """Return the resolved path of a git repository with at least one commit.

    Raises:
        ConfigError: If the path is not such a repository.
    """
    path = path.resolve()
    result = subprocess.run(["git", "-C", str(path), "rev-parse", "--verify", "HEAD"],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise ConfigError(
            f"--repository {path} is not a git repository with a commit "
            f"({result.stderr.strip() or 'git failed'}); pass the project's clone."
        )
    return path


def _clean(paths) -> int:
    """Delete what builds write into the build folder, and nothing else in it."""
    removed = []
    for path in (paths.outputs, paths.releases, paths.cache, paths.logs):
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)
        else:
            continue
        removed.append(path.name)
    if paths.build.is_dir() and not any(paths.build.iterdir()):
        paths.build.rmdir()
    if removed:
        print(f"removed {', '.join(removed)} from {paths.build}")
    else:
        print(f"nothing to remove: {paths.build} contains no build outputs")
    return 0


def _list(paths) -> int:
    from nonlinear import pipeline

    tasks = {task.name: task for task in pipeline.plan(experiments.select(None), paths)}
    width = max(len(name) for name in tasks)
    for name, task in tasks.items():
        description = task.experiment.description if task.experiment else "example notebook"
        state = "cached" if task.status == "cached" else "stale"
        print(f"{name:<{width}}  {state:<6}  {description}")
    return 0


def config_from_args(args: argparse.Namespace) -> ExperimentConfig:
    """Build a validated configuration from the options of ``run``.

    Raises:
        ConfigError: If a value breaks a rule; the message names it.
    """
    try:
        hidden = tuple(int(width) for width in args.hidden.split(","))
    except ValueError:
        raise ConfigError(
            f"--hidden must be comma-separated integers such as 200,150, "
            f"got {args.hidden!r}."
        ) from None
    return ExperimentConfig(
        data=DataConfig(
            n_samples=args.samples, n_test=args.test_size,
            validation_split=args.validation_split, noise=args.noise, seed=args.seed,
        ),
        model=ModelConfig(hidden_layers=hidden, activation=args.activation, head=args.head),
        train=TrainConfig(epochs=args.epochs, batch_size=args.batch_size, seed=args.seed),
    )


def _run(args) -> int:
    import json

    from nonlinear.atomic import atomic_write_bytes, replace_directory
    from nonlinear.pipeline import check_writable
    from nonlinear.specs import Experiment

    config = config_from_args(args)
    output = args.output.resolve()
    if output.exists() and not (output / RUN_MARKER).is_file():
        raise ConfigError(
            f"--output {output} already exists and is not a folder that `run` wrote; "
            "choose a new folder, since `run` replaces the whole folder."
        )
    check_writable(output.parent, option="--output")
    staging = output.with_name(f".{output.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    experiment = Experiment(
        name="run", description="command-line run",
        runner="nonlinear.runners.training:run_training", config=config,
        uses_tensorflow=True,
    )
    from nonlinear.runners.training import run_training

    progress = Progress()
    progress({"type": "start", "name": "run"})
    metrics = run_training(
        experiment, staging,
        lambda done, total: progress({"type": "progress", "name": "run", "done": done, "total": total}),
    )
    document = {"config": config.to_dict(), "metrics": metrics}
    atomic_write_bytes(staging / "metrics.json", (json.dumps(document, indent=2, sort_keys=True) + "\n").encode())
    (staging / RUN_MARKER).write_bytes(b"")
    replace_directory(staging, output)
    progress._line(f"test accuracy {metrics['test_accuracy']:.1%}; outputs in {output}")
    return 0


def _build(args, paths) -> int:
    from nonlinear import pipeline

    paths.check_docs()
    started = time.perf_counter()
    progress = Progress(quiet=args.quiet)
    result = pipeline.build(
        paths, names=args.names or None, jobs=args.jobs, force=args.force, on_event=progress
    )
    if not args.quiet:
        print(format_summary(result.tasks, time.perf_counter() - started), file=sys.stderr)
    return 0
