"""The ``symconv`` command line: ``main(argv) -> int``.

Exit status: 0 success, 1 a verdict that contradicts its expectation, 2 bad
input (one line on stderr, no traceback), 3 an internal error (a bug: one line,
the traceback with ``symconv --debug``), 4 no verdict contradicts its expectation but
some claim is INCONCLUSIVE (undecided), 130 interrupted (Ctrl-C), 141 the reader
of stdout went away (``symconv derive conv | head``; silent, like SIGPIPE).
"""

from __future__ import annotations

import argparse
import difflib
import math
import os
import re
import shutil
import sys
import tempfile
import traceback
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import sympy

from symconv import api
from symconv.apps.cnn import (
    GroupedLayerText,
    check_backprop,
    claims_toml,
    learning_equivalence,
    one_step_equivalence,
    pixel_form,
    pixel_terms,
)
from symconv.apps.expanded import LAYOUTS, OPERATIONS, ExpandedForm
from symconv.apps.identify import BUILTIN_ADAPTERS, PROBE_LAYOUTS, adapter_from_options, identify
from symconv.apps.matrices import MatrixViewSummary
from symconv.core.atomic import make_folder
from symconv.core.fourier import symbolic_spectrum
from symconv.core.ops import normalize_boundary
from symconv.errors import ClaimFileError, SymconvError
from symconv.lang.claims import (
    MAX_BUDGET,
    claim_from_text,
    load_claims,
    parse_shape_text,
    parse_signal_option,
    python_claim_files,
)
from symconv.prove import runner, strict_sizes
from symconv.prove.cache import ResultCache
from symconv.prove.pool import (
    AUTO_WORKER_BYTES,
    GIB,
    JOBS_ENV,
    WORKER_START_BYTES,
    available_cpus,
    default_memory_bytes,
    mapped_bytes,
    resolve_jobs,
)
from symconv.report.command import add_report_parser
from symconv.version import __version__

if TYPE_CHECKING:
    from symconv.progress import LineProgress, LiveProgress


def _cmd_derive(args: argparse.Namespace) -> int:
    if args.matrix:
        view = MatrixViewSummary(args.op, args.size, args.dim, args.input)
        print(view._latex() if args.latex else view)
        return 0
    form = ExpandedForm.build(args.op, args.size, args.dim, layout=args.layout)
    if args.latex:
        print(form._latex())
    else:
        print(form)
    return 0


def _cmd_dft(args: argparse.Namespace) -> int:
    spectrum = symbolic_spectrum(args.size, args.dim, form=args.form, sign=args.sign,
                                 norm=args.norm, real=not args.complex)
    print(spectrum._latex() if args.latex else spectrum)
    return 0


def _add_dft_parser(sub: argparse._SubParsersAction) -> None:
    dft_parser = sub.add_parser(
        "dft",
        help="show the exact DFT of a symbolic signal, e.g. dft --size 4",
        description="The exact DFT F(k) = sum_x f(x) omega^(k.x) of a symbolic signal on "
        "Z_n^d, omega = exp(-2 pi i/n), with coefficients in Q(zeta_n).",
    )
    dft_parser.add_argument("--size", type=int, required=True, help="n, the period per axis")
    dft_parser.add_argument("--dim", type=int, default=1, help="number of dimensions (default 1)")
    dft_parser.add_argument("--form", choices=("omega", "trig"), default="omega",
                            help="coefficients as powers of omega or as cos/sin")
    dft_parser.add_argument("--sign", type=int, choices=(-1, 1), default=-1,
                            help="exponent sign: -1 numpy (default), +1 sympy.discrete.fft")
    dft_parser.add_argument("--norm", choices=("backward", "ortho", "forward"),
                            default="backward", help="scaling as numpy.fft's norm")
    dft_parser.add_argument("--complex", action="store_true", help="complex entries f")
    dft_parser.add_argument("--latex", action="store_true", help="print LaTeX")
    dft_parser.set_defaults(func=_cmd_dft)


def _cmd_identify(args: argparse.Namespace) -> int:
    adapter = None
    if args.args or args.ndim or args.layout or args.kwarg or args.vary:
        adapter = adapter_from_options(
            args.ndim or 1, args.args or "image,kernel", args.layout or "plain", args.kwarg,
            args.vary,
        )
    found = identify(args.target, adapter, seed=args.seed)
    print(found.to_json() if args.json else found.table())
    return 0


# The cnn options, their defaults, and the actions that read each: an option an action
# would ignore is refused, so that no one reads a result for a layer they did not get.
_CNN_DEFAULTS: dict[str, object] = {
    "channels": (2, 2), "input": None, "kernel": (2, 2), "stride": 1, "padding": 0,
    "dilation": 1, "groups": 1, "boundary": "zero", "steps": 200, "lr": 0.002, "seed": 0,
    "latex": False}
_LAYER = ("channels", "input", "kernel", "stride", "padding", "dilation")
_CNN_READS = {"pixel": {*_LAYER, "latex"}, "backprop": {*_LAYER, "groups", "boundary"},
              "claims": {*_LAYER, "groups"}, "learn": {"steps", "lr", "seed"}}
_CNN_WHY = {"learn": "it trains one fixed layer (a 3x3 kernel, stride 1, no padding, 8x8 "
                     "images)",
            "pixel": "it writes one output channel of a zero-padded layer without groups",
            "claims": "it writes the zero-padded layer",
            "backprop": "it checks the closed forms, with no training run"}


def _cnn_ignored_option(args: argparse.Namespace) -> str | None:
    for option, default in _CNN_DEFAULTS.items():
        value = getattr(args, option)
        if option == "boundary":
            value = normalize_boundary(value)
        if option not in _CNN_READS[args.action] and value != default:
            *others, last = [a for a, read in _CNN_READS.items() if option in read]
            readers = f"{', '.join(others)} and {last}" if others else last
            return (f"--{option} is not used by cnn {args.action}: {_CNN_WHY[args.action]}; "
                    f"it is an option of cnn {readers}")
    return None


def _cmd_cnn(args: argparse.Namespace) -> int:
    settings = {"stride": args.stride, "padding": args.padding, "dilation": args.dilation}
    if (ignored := _cnn_ignored_option(args)) is not None:
        raise SymconvError(ignored)
    if args.action == "pixel":
        origin = (0,) * len(args.kernel)
        arrays = pixel_terms(args.channels[0], 0, args.kernel, origin, input_size=args.input,
                             **settings)
        at = ", ".join(["0"] * (len(args.kernel) + 1))
        if args.latex:
            sums = " + ".join(rf"\sum {sympy.latex(a)}" for a in arrays)
            print(rf"y_{{{at}}} = b_{{0}} + {sums}")
        else:
            print(f"y[{at}] = b[0] + the sums of the entries of one array per input channel:")
            for c, array in enumerate(arrays):
                print(f"channel {c}:\n{sympy.pretty(array, use_unicode=True)}")
            print(f"= {pixel_form(args.channels[0], 0, args.kernel, origin, **settings)}")
        return 0
    if args.action == "claims":
        layer = GroupedLayerText(args.channels[0], args.channels[1], args.groups,
                                 ndim=len(args.kernel), **settings)
        print(claims_toml([(layer, args.input or (7,) * len(args.kernel), args.kernel)]), end="")
        return 0
    if args.action == "backprop":
        found = check_backprop(args.channels[0], args.channels[1], args.input or (5, 5),
                               args.kernel,
                               groups=args.groups, boundary=args.boundary, **settings)
        print(found.summary())
        return 0 if found.holds else 1
    # both before any output: a bad --steps or --lr is one line, not half a report
    report = learning_equivalence(steps=args.steps, learning_rate=args.lr, seed=args.seed)
    step = one_step_equivalence()
    print(f"one symbolic step (3x3 kernel, 4x4 input, symbolic eta and targets): outputs equal "
          f"{step.outputs_equal}, weights flip-related {step.weights_flip_related}")
    print(report.summary())
    return 0 if step.holds and report.max_flip_difference <= 1e-12 else 1


def _sizes(text: str) -> tuple[int, ...]:
    try:
        return parse_shape_text(text)
    except SymconvError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _channels(text: str) -> tuple[int, ...]:
    sizes = _sizes(text)
    if len(sizes) != 2:
        raise argparse.ArgumentTypeError(f"{text!r} is not input x output channels like 2x2")
    return sizes


def _add_cnn_parser(sub: argparse._SubParsersAction) -> None:
    cnn_parser = sub.add_parser(
        "cnn",
        help="CNN layers: expanded output pixel, backprop closed forms, learning equivalence",
        description="pixel: the expanded form of one output pixel of a multi-channel layer; "
        "backprop: check dL/dx, dL/dW, dL/db of a correlation layer by sympy.diff against their "
        "closed forms (exit 1 if they differ); learn: gradient descent from W0 (correlation) "
        "and flip(W0) (convolution), symbolic for one step and numeric for --steps steps; "
        "claims: the TOML claims of a grouped layer's backprop closed forms (one signal per "
        "channel, for all spatial sizes) and their mutants, as in proofs/cnn_groups.toml.",
    )
    cnn_parser.add_argument("action", choices=("pixel", "backprop", "learn", "claims"))
    cnn_parser.add_argument("--channels", type=_channels, default=_CNN_DEFAULTS["channels"],
                            metavar="CxO",
                            help="input x output channels (default 2x2)")
    cnn_parser.add_argument("--input", type=_sizes, default=None,
                            help="input size (backprop: default 5x5; claims: declared, default 7 "
                            "per axis; pixel: checked that the output pixel exists when given)")
    cnn_parser.add_argument("--kernel", type=_sizes, default=_CNN_DEFAULTS["kernel"],
                            help="kernel size (2x2)")
    cnn_parser.add_argument("--stride", type=int, default=_CNN_DEFAULTS["stride"])
    cnn_parser.add_argument("--padding", type=int, default=_CNN_DEFAULTS["padding"])
    cnn_parser.add_argument("--dilation", type=int, default=_CNN_DEFAULTS["dilation"])
    cnn_parser.add_argument("--groups", type=int, default=_CNN_DEFAULTS["groups"])
    cnn_parser.add_argument("--boundary", default=_CNN_DEFAULTS["boundary"],
                            help="padding rule: zero, wrap, reflect, mirror, nearest")
    cnn_parser.add_argument("--steps", type=int, default=_CNN_DEFAULTS["steps"],
                            help="learn: numeric steps")
    cnn_parser.add_argument("--lr", type=float, default=_CNN_DEFAULTS["lr"],
                            help="learn: learning rate")
    cnn_parser.add_argument("--seed", type=int, default=_CNN_DEFAULTS["seed"],
                            help="learn: random seed")
    cnn_parser.add_argument("--latex", action="store_true", help="pixel: print LaTeX")
    cnn_parser.set_defaults(func=_cmd_cnn)


def _add_identify_parser(sub: argparse._SubParsersAction) -> None:
    identify_parser = sub.add_parser(
        "identify",
        help="probe a library function: convolution or correlation, mode, boundary, conjugation",
        description="Probe module:function (or module.function; modules in the current "
        "directory are found) with impulses and random integer inputs and say what "
        "it computes. Built-in adapters: " + ", ".join(BUILTIN_ADAPTERS) + ". Any other "
        "function needs --args/--ndim (and --layout, --kwarg, --vary) describing how to call it.",
    )
    identify_parser.add_argument("target", help="module:function or module.function, e.g. "
                                 "scipy.signal:correlate2d or numpy.convolve")
    identify_parser.add_argument("--json", action="store_true", help="print JSON, not a table")
    identify_parser.add_argument(
        "--args", help="positional arguments in order: image, kernel, or literal values "
        "(e.g. image,-1,kernel for cv2.filter2D); default image,kernel")
    identify_parser.add_argument("--ndim", type=int, choices=(1, 2, 3),
                                 help="spatial dimensions of image and kernel (default 1)")
    identify_parser.add_argument("--layout", choices=PROBE_LAYOUTS,
                                 help="plain numpy arrays (default), nchw torch tensors, "
                                 "nchw-array numpy arrays of shape (1, 1, ...), pil: the target "
                                 "builds a PIL filter from (size, values)")
    identify_parser.add_argument("--kwarg", action="append", default=[], metavar="NAME=VALUE",
                                 help="a keyword argument passed on every call (repeatable)")
    identify_parser.add_argument("--vary", metavar="NAME=V1,V2",
                                 help="probe one variant per value of this keyword")
    identify_parser.add_argument("--seed", type=int, default=0, help="seed of the random probes")
    identify_parser.set_defaults(func=_cmd_identify)


def _positive(option: str, value: float | None, most: float = math.inf) -> None:
    # inf is refused too: every budget and interval ends up in a timer, which needs a finite time
    if value is not None and not (value > 0 and math.isfinite(value) and value <= most):
        bound = f" of at most {most:g}" if math.isfinite(most) else ""
        raise SymconvError(f"{option} {value:g}; expected a positive finite number{bound}")


# The --json/--junit file that means standard output.
STDOUT = "-"

# The largest --memory in GiB: setrlimit takes a C long (the least is what a worker needs to
# start, measured in _memory_bytes).
MAX_MEMORY_GIB = 2.0**20


def _memory_bytes(args: argparse.Namespace) -> int:
    """``--memory`` in bytes: above what a worker needs to start (a forked copy of this
    process, already mapped, plus :data:`WORKER_START_BYTES`), else no claim could run."""
    _positive("--memory", args.memory, MAX_MEMORY_GIB)
    if args.memory is None:
        return default_memory_bytes()
    floor = mapped_bytes() + WORKER_START_BYTES
    if args.memory * GIB < floor:
        raise SymconvError(f"--memory {args.memory:g}; expected at least {floor / GIB:.2f} GiB "
                           "(a worker starts as a copy of this process, which maps "
                           f"{mapped_bytes() / GIB:.2f} GiB)")
    return int(args.memory * GIB)


def _seed(args: argparse.Namespace) -> int | None:
    """``--seed``, checked: one integer in [0, 2^64) (one seed is one run of the random tier)."""
    if args.seed is not None and not 0 <= args.seed < 2**64:
        raise SymconvError(f"--seed {args.seed}; expected an integer in [0, 2^64)")
    seed: int | None = args.seed
    return seed


def _check_writable(option: str, target: Path) -> None:
    """Refuse an output file that cannot be written before the run, not after it.

    The probe is what :func:`atomic_write` will do: a temporary file in the target's folder.
    """
    if target.is_dir():
        raise SymconvError(f"{option} {target} is a folder; expected a file to write")
    make_folder(target.parent, f"{option}: cannot write {target}")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as err:
        raise SymconvError(f"{option}: cannot write {target}: {err.strerror or err}") from None
    os.close(fd)
    os.unlink(probe)


def _shard(text: str) -> tuple[int, int]:
    k, sep, n = text.partition("/")
    if not (sep and k.strip().isdigit() and n.strip().isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not K/N like 2/4")
    return int(k), int(n)


def _progress(args: argparse.Namespace, total: int) -> LineProgress | LiveProgress | None:
    """The live display on a terminal, flushed lines elsewhere, nothing with --quiet."""
    from symconv.progress import LineProgress, LiveProgress

    if args.quiet:
        return None
    if sys.stderr.isatty() and total > 1:
        return LiveProgress(total)
    return LineProgress(sys.stderr, verbose=args.verbose, per_claim=total > 1)


def _cmd_verify(args: argparse.Namespace) -> int:
    try:
        return _verify(args)
    except KeyboardInterrupt:  # Ctrl-C before any claim ran: nothing to report
        print("symconv: interrupted", file=sys.stderr)
        return 130


def _verify(args: argparse.Namespace) -> int:
    jobs = resolve_jobs(args.jobs, "--jobs ")
    _positive("--budget", args.budget, MAX_BUDGET)
    _positive("--heartbeat", args.heartbeat)
    memory = _memory_bytes(args)
    if args.json and args.junit and Path(args.json).resolve() == Path(args.junit).resolve():
        where = "standard output" if args.json == STDOUT else args.json
        raise SymconvError(f"--json and --junit both write {where}; expected two files")
    for option, target in (("--json", args.json), ("--junit", args.junit)):
        if target and target != STDOUT:
            _check_writable(option, Path(target))
    # "-" puts the machine-readable report alone on stdout; the table moves to stderr.
    human = sys.stderr if STDOUT in (args.json, args.junit) else sys.stdout
    seed = _seed(args)
    if args.shard is not None:
        runner.shard([], *args.shard)  # K/N checked before any claim file is read
    paths = args.paths or _default_claim_paths()
    claims = load_claims(paths, python=args.allow_python)
    skipped = [] if args.allow_python else list(python_claim_files(paths))
    skip_note = (f"{len(skipped)} Python claim module{'s' if len(skipped) != 1 else ''} skipped "
                 f"(use --allow-python): {', '.join(map(str, skipped))}" if skipped else "")
    if not claims:
        raise SymconvError(f"no TOML claims in {' '.join(paths)}; {skip_note}" if skipped
                           else f"no claims found in {' '.join(paths)}")
    if seed is not None:
        claims = [replace(claim, seed=seed) for claim in claims]
    if args.shard is not None:
        total = len(claims)
        claims = runner.shard(claims, *args.shard)
        if not claims:
            raise SymconvError(f"--shard {args.shard[0]}/{args.shard[1]} has no claims "
                               f"(only {total} in all)")
    progress = _progress(args, len(claims))
    interrupted: runner.RunInterrupted | None = None
    try:
        outcomes = runner.run_claims(
            claims, min(jobs, len(claims)), args.budget, progress, memory_bytes=memory,
            cache=None if args.no_cache else ResultCache(), heartbeat=args.heartbeat,
            diagnose=True if args.diagnose_all else "unexpected")
    except runner.RunInterrupted as exc:
        interrupted, outcomes = exc, exc.finished
    finally:
        if progress is not None:
            progress.close()
    if args.strict_sizes:
        outcomes = [_strict(o) for o in outcomes]
    print(runner.format_table(outcomes), file=human)
    if interrupted is not None:
        print(f"interrupted: {len(outcomes)} of {len(claims)} claims finished", file=human)
    if skip_note:
        print(skip_note, file=human)
    for outcome in outcomes:
        if not outcome.ok or args.verbose:
            print(file=human)
            print(runner.explain(outcome), file=human)
    if args.json:
        runner.write_json(outcomes, sys.stdout if args.json == STDOUT else args.json,
                          interrupted=interrupted is not None)
    if args.junit:
        runner.write_junit(outcomes, sys.stdout if args.junit == STDOUT else args.junit,
                           [] if interrupted is None else interrupted.not_run)
    errors = [o.error for o in outcomes if o.error]
    for error in errors:
        print(f"symconv: error: {error}", file=sys.stderr)
    sys.stdout.flush()  # the verdicts are out before the interpreter winds down
    if interrupted is not None:
        return 130
    return runner.exit_status(outcomes)


def _integers_option(text: str) -> dict[str, object]:
    """``--integers N=9,M=4`` as a claim's integers table (the claim check names bad values)."""
    table: dict[str, object] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, equals, value = item.partition("=")
        if not equals or not value.strip().lstrip("-").isdigit():
            raise ClaimFileError(f"--integers item {item!r} is not NAME=INTEGER, e.g. N=9")
        if name.strip() in table:
            raise ClaimFileError(f"--integers names {name.strip()!r} twice")
        table[name.strip()] = int(value)
    return table


def _cmd_check(args: argparse.Namespace) -> int:
    options = {"tiers": args.tiers.split(",")} if args.tiers else {}
    _positive("--budget", args.budget, MAX_BUDGET)
    if args.budget is not None:
        options["budget"] = args.budget
    if args.integers:
        options["integers"] = _integers_option(args.integers)
    if args.assume:
        options["assume"] = list(args.assume)
    claim = claim_from_text(args.statement, parse_signal_option(args.signals), args.expect,
                            **options)
    if (seed := _seed(args)) is not None:
        claim = replace(claim, seed=seed)
    _positive("--heartbeat", args.heartbeat)
    progress = _progress(args, 1)
    try:
        outcome, = runner.run_claims([claim], memory_bytes=_memory_bytes(args),
                                     progress=progress, heartbeat=args.heartbeat)
    except runner.RunInterrupted:
        print("symconv: interrupted", file=sys.stderr)
        return 130
    if args.strict_sizes:
        outcome = _strict(outcome)
    if outcome.result is None:
        raise SymconvError(outcome.error or "verification failed")
    print(runner.explain(outcome))
    if args.derivation:
        print()
        derivation = outcome.result.derivation
        print(derivation if derivation is not None else
              f"no derivation: the verdict is {outcome.result.verdict.value}, and only the "
              "general tier's PROVED comes with one")
    return runner.exit_status([outcome])


def _strict(outcome: runner.Outcome) -> runner.Outcome:
    if outcome.result is None:
        return outcome
    return replace(outcome, result=strict_sizes(outcome.result))


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options verify and check share: budget, memory cap, sizes, progress, seed."""
    parser.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                        help="seconds per claim (overrides each claim's budget); each claim "
                        "ends within it plus 0.5 s")
    parser.add_argument("--memory", type=float, default=None, metavar="GIB",
                        help="address-space cap per claim in GiB (default 8, or half the "
                        "machine's memory if less); a claim that needs more is INCONCLUSIVE")
    parser.add_argument("--strict-sizes", action="store_true",
                        help="fail a claim that holds at its declared sizes but not at a size "
                        "the exact tier tries on its own (read claims as laws for all sizes)")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress display or progress lines on stderr")
    parser.add_argument("--heartbeat", type=float, default=5.0, metavar="SECONDS",
                        help="how often a running claim reports its tier and stage (default 5)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the random tier's choices (default: a hash of each "
                        "claim); every result reports its seed, so a run can be repeated")


def _default_claim_paths() -> list[str]:
    """``proofs`` when the current folder has one, else the bundled proofs (and say so)."""
    if Path("proofs").is_dir():
        return ["proofs"]
    bundled = api.bundled_proofs()
    print(f"symconv: no proofs/ here; verifying the proofs bundled with symconv ({bundled}); "
          "`symconv proofs copy DIR` copies them to start your own", file=sys.stderr)
    return [str(bundled)]


def _cmd_proofs(args: argparse.Namespace) -> int:
    files = api.bundled_claim_files()
    if args.action == "list":
        print(f"bundled proofs in {api.bundled_proofs()}:")
        for path in files:
            if path.suffix == ".py":
                print(f"  {path.name:<18} Python claim module (verify with --allow-python)")
                continue
            claims = load_claims([path])
            print(f"  {path.name:<18} {len(claims):>2} claims: "
                  + ", ".join(c.name for c in claims[:4]) + (", ..." if len(claims) > 4 else ""))
        return 0
    if args.dir is None:
        raise SymconvError("proofs copy needs a target folder, e.g. symconv proofs copy my-proofs")
    target = Path(args.dir)
    if target.exists() and not target.is_dir():
        raise SymconvError(f"{target} exists and is not a folder")
    clashes = [p.name for p in files if (target / p.name).exists()]
    if clashes and not args.force:
        raise SymconvError(f"{target / clashes[0]} exists; pass --force to overwrite")
    target.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copyfile(path, target / path.name)
    print(f"copied {len(files)} claim files to {target}; run: symconv verify --allow-python "
          f"{target}")
    return 0


def _add_proofs_parser(sub: argparse._SubParsersAction) -> None:
    proofs = sub.add_parser(
        "proofs",
        help="the proofs bundled with symconv: list them, or copy them to start your own",
        description="list: the bundled claim files and their claims; copy DIR: copy them into "
        "DIR (created if needed) as a starting point for your own claims.",
    )
    proofs.add_argument("action", choices=("list", "copy"))
    proofs.add_argument("dir", nargs="?", help="copy: the target folder")
    proofs.add_argument("--force", action="store_true", help="copy: overwrite existing files")
    proofs.set_defaults(func=_cmd_proofs)


def _add_verify_parsers(sub: argparse._SubParsersAction) -> None:
    verify = sub.add_parser(
        "verify",
        help="check the claims in TOML claim files (default: proofs/)",
        description="Run every [[claim]] of the given files or folders through the tiers "
        "general, exact, random. Exit 0 if every verdict meets its expectation, 1 if one "
        f"contradicts it (MISMATCH), {runner.UNDECIDED_STATUS} if none does but one is "
        "INCONCLUSIVE (UNDECIDED), 2 on bad input.",
    )
    verify.add_argument("paths", nargs="*", help="claim files or folders (default: proofs)")
    verify.add_argument("--json", metavar="FILE",
                        help="write one JSON object per claim ('-': standard output)")
    verify.add_argument("--junit", metavar="FILE",
                        help="write a JUnit XML report ('-': standard output)")
    verify.add_argument("--jobs", "-j", metavar="N|auto",
                        help=f"worker processes; auto (the default, or ${JOBS_ENV} when "
                        f"set): one per CPU this process may use (its affinity mask, and a container's "
                        f"CPU quota rounded up; here {available_cpus()}), "
                        f"at most one per claim and per {AUTO_WORKER_BYTES // GIB} GiB of "
                        "memory. Claims are reported in claim order, so N changes only timings")
    verify.add_argument("--allow-python", action="store_true",
                        help="also import the *.py claim modules (marked by @python_claim or a "
                        "'symconv-claims' comment; this runs their code)")
    verify.add_argument("--verbose", "-v", action="store_true",
                        help="explain every verdict, not only the unexpected ones")
    verify.add_argument("--diagnose-all", action="store_true",
                        help="search explanations and nearest true repairs for every REFUTED "
                        "claim, also those that expect to fail (by default only an unexpected "
                        "refutation is diagnosed: the search took half the run)")
    verify.add_argument("--shard", type=_shard, metavar="K/N",
                        help="run only shard K of N (every N-th claim in load order), for CI "
                        "matrices")
    verify.add_argument("--no-cache", action="store_true",
                        help="prove every claim again, ignoring the result cache "
                        "($SYMCONV_CACHE_DIR, else $XDG_CACHE_HOME/symconv or ~/.cache/symconv)")
    _add_run_options(verify)
    verify.set_defaults(func=_cmd_verify)

    check = sub.add_parser(
        "check",
        help="check one statement, e.g. check \"conv(F, I) == conv(I, F)\" --signals F=3x3,I=5x5",
        description="Check a single claim given on the command line. Exit 0 if the verdict "
        f"meets --expect, 1 if it contradicts it (MISMATCH), {runner.UNDECIDED_STATUS} if it "
        "is INCONCLUSIVE (UNDECIDED), 2 on bad input.",
    )
    check.add_argument("statement", help="an identity with == or !=")
    check.add_argument("--signals", required=True,
                       help="NAME=SHAPE, NAME=KERNEL or NAME=[LITERAL], comma separated "
                       "(F=3x3,I=5x5 or k=[[1,2],[2,1]],I=4x4)")
    check.add_argument("--expect", choices=("holds", "fails"), default="holds",
                       help="the verdict expected: holds (default; PROVED, VERIFIED or "
                       "PROBABLE meet it) or fails (REFUTED meets it)")
    check.add_argument("--tiers", help="comma-separated tiers (default general,exact,random)")
    check.add_argument("--integers", metavar="NAME=VALUE,...",
                       help="free integer sizes of the statement and their declared values "
                       "(N=9): the general tier proves the statement for every value")
    check.add_argument("--assume", action="append", metavar="COMPARISON",
                       help="where the claim is stated, e.g. \"N >= len(a) + len(b) - 1\" "
                       "(repeat for more)")
    check.add_argument("--verbose", "-v", action="store_true", help="report each tier as it starts")
    check.add_argument("--derivation", "-d", action="store_true",
                       help="also print the checked derivation of a PROVED verdict, step by step")
    _add_run_options(check)
    check.set_defaults(func=_cmd_check)


# Shown by `symconv --help` and on the documentation's command-line page.
EXIT_STATUSES = ("Exit status: 0 success, 1 a verdict that contradicts its expectation "
                 "(MISMATCH), 2 bad input (one line on stderr, no traceback), 3 an internal "
                 "error (one line; symconv --debug shows the traceback), "
                 f"{runner.UNDECIDED_STATUS} none contradicts its expectation but a claim is "
                 "INCONCLUSIVE (UNDECIDED: out of budget or memory, or no tier applies), "
                 "130 interrupted (Ctrl-C), 141 the reader of stdout went away (silent).")


class _Parser(argparse.ArgumentParser):
    """argparse that names the nearest valid word after a mistyped command or choice.

    Subparsers are made of the parser's own class, so every command gets it too.
    """

    def error(self, message: str) -> NoReturn:
        found = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if found:
            choices = re.findall(r"'([^']*)'", found.group(2))
            message += _did_you_mean(found.group(1), choices)
        super().error(message)


def _did_you_mean(word: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _unrecognized(parser: argparse.ArgumentParser, extras: Sequence[str]) -> NoReturn:
    """The error for words no option took, with the nearest option of ``parser`` for the first."""
    message = f"unrecognized arguments: {' '.join(extras)}"
    options = [o for o in extras if o.startswith("-")]
    if options:
        known = [s for s in parser._option_string_actions if s.startswith("--")]
        message += _did_you_mean(options[0].partition("=")[0], known)
    parser.error(message)


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symconv",
        description="Exact symbolic verification of discrete convolution and correlation.",
        epilog=EXIT_STATUSES,
    )
    parser.add_argument("--version", action="version", version=f"symconv {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="print the Python traceback of any error (for developers); "
                        "may also follow the command")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    derive = sub.add_parser(
        "derive",
        help="print the expanded Hadamard-sum form of conv or corr",
        description="Print (F op I)(x, ...) as the sum of the entries of a Hadamard product.",
    )
    derive.add_argument("op", choices=OPERATIONS, help="conv: sum F(i) I(x-i); corr: sum F(i) I(x+i)")
    derive.add_argument("--dim", type=int, default=2, help="number of dimensions (default 2)")
    derive.add_argument("--size", type=int, default=3, help="kernel size 2N+1 per axis (default 3)")
    derive.add_argument(
        "--layout", choices=LAYOUTS, default="patch",
        help="patch: terms placed over the image patch (the source's matrices); "
        "kernel: conv's terms in the order of its definition",
    )
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of a picture")
    derive.add_argument("--matrix", action="store_true",
                        help="show I -> op(F, I) as a (doubly-block) Toeplitz matrix and check "
                        "that its transpose is the adjoint operation")
    derive.add_argument("--input", type=int, default=4,
                        help="--matrix: input size per axis (default 4)")
    derive.set_defaults(func=_cmd_derive)
    _add_dft_parser(sub)
    _add_identify_parser(sub)
    _add_cnn_parser(sub)
    _add_verify_parsers(sub)
    _add_proofs_parser(sub)
    add_report_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    # --debug anywhere on the line (before a -- separator), not only before the command
    end = words.index("--") if "--" in words else len(words)
    debug = "--debug" in words[:end]
    args, extras = parser.parse_known_args(
        [w for k, w in enumerate(words) if k >= end or w != "--debug"])
    if extras:  # reported by the command's own parser: its usage line and its options
        _unrecognized(_command_parser(parser, args.command), extras)
    args.debug = debug
    try:
        code: int = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        _silence_stdout()
        return 141
    except KeyboardInterrupt:
        _show_traceback(args)
        print("symconv: interrupted", file=sys.stderr)
        return 130
    except SymconvError as err:
        _show_traceback(args)
        print(f"symconv: error: {err}", file=sys.stderr)
        return 2
    except MemoryError:
        _show_traceback(args)
        print("symconv: error: out of memory; try smaller sizes", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: one line, the traceback on request
        _show_traceback(args)
        hint = "" if args.debug else " (run symconv --debug ... for the traceback)"
        print(f"symconv: internal error: {type(exc).__name__}: {exc}{hint}", file=sys.stderr)
        return 3
    return code


def _command_parser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser = action.choices[command]
            return found
    return parser


def _show_traceback(args: argparse.Namespace) -> None:
    if args.debug:
        traceback.print_exc()


def _silence_stdout() -> None:
    """Point the real stdout at /dev/null, so that the final flush at exit stays quiet."""
    real = sys.__stdout__
    if real is None or sys.stdout is not real:  # a test's capture, not the process's pipe
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, real.fileno())
    except (OSError, ValueError):
        pass
