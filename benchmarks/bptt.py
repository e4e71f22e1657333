"""Forward pass + full BPTT: rnnlib against the chapter's naive loop and PyTorch (CPU).

    .venv/bin/python benchmarks/bptt.py                      # teaching and large sizes
    .venv/bin/python benchmarks/bptt.py --sizes teaching     # one size
    .venv/bin/python benchmarks/bptt.py --threads 1          # single-threaded, all peers

The three contenders compute the same thing, in float64, from the same weights:

* rnnlib: ``rnnlib.forward`` then ``rnnlib.backward`` (input projections and output
  products as one matrix product each, a loop over time only for the recurrence);
* naive: ``bptt_naive(params, x, h0, do)`` from the code cell tagged ``naive-bptt`` of
  the BPTT chapter (``book/bptt.ipynb``), loaded from the notebook and executed, so the
  benchmark always times the code the reader sees;
* torch: ``torch.nn.RNN(nonlinearity="tanh")`` + ``torch.nn.Linear`` + autograd with the
  weights copied from rnnlib's parameters (optional: skipped if torch is not installed).

Every contender gets the same upstream gradient ``do = dL/do`` of the squared error
against random targets. The gradients of all three must agree (relative error below
``--tolerance``, default 1e-10) or the script exits with status 1: a fast wrong gradient
is worth nothing. Timings are medians over interleaved repeats after a warm-up, and
rnnlib's FLOP rate is compared with a large float64 matrix product measured in the same
run. Exit status: 0 (gradients agree; targets are reported, and fail the run only with
``--strict``), 1 (gradients disagree, or ``--strict`` and a target missed), 2 (setup
error, e.g. the notebook cell is missing).
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

from _common import (ROOT, blas_threads, fmt_time, machine_line, median, quartiles,
                     request_threads, tagged_code, time_interleaved, verdict)

#: (T, B, D, H, K) per named size; K = D (a sequence-to-sequence regression).
SIZES = {
    "tiny": (6, 3, 4, 5, 4),          # for the smoke test only
    "teaching": (100, 32, 8, 64, 8),
    "large": (200, 64, 64, 512, 64),
}
#: rnnlib must be at least this many times faster than PyTorch (float64, same threads).
TARGETS = {"teaching": 2.0, "large": 1.3}
#: (warm-up rounds, timed rounds) per size unless --repeats is given.
REPEATS = {"tiny": (1, 3), "teaching": (5, 30), "large": (1, 7)}
NAIVE_TAG = "naive-bptt"
GRAD_KEYS = ("U", "W", "V", "b", "c", "h0")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="teaching,large",
                   help=f"comma-separated sizes among {', '.join(SIZES)} (default: teaching,large)")
    p.add_argument("--notebook", type=pathlib.Path, default=ROOT / "book" / "bptt.ipynb",
                   help=f"notebook holding the code cell tagged {NAIVE_TAG!r} "
                        "(default book/bptt.ipynb)")
    p.add_argument("--threads", type=int, default=None,
                   help="BLAS and torch threads (default: what numpy's BLAS uses)")
    p.add_argument("--repeats", type=int, default=None, help="timed rounds per size")
    p.add_argument("--warmup", type=int, default=None, help="untimed rounds per size")
    p.add_argument("--budget", type=float, default=30.0,
                   help="seconds of timed rounds allowed per contender and size (default 30)")
    p.add_argument("--lead-in", type=int, default=1,
                   help="untimed calls of a contender right before each of its timed calls, so "
                        "that it is timed in its own steady state (default 1; a contender whose "
                        "call takes over a tenth of --budget gets none)")
    p.add_argument("--gemm-size", type=int, default=2048,
                   help="n of the n x n float64 matrix product giving the machine's GEMM rate "
                        "(default 2048)")
    p.add_argument("--tolerance", type=float, default=1e-10,
                   help="largest accepted relative error between gradients (default 1e-10)")
    p.add_argument("--no-torch", action="store_true", help="skip the PyTorch peer")
    p.add_argument("--strict", action="store_true", help="exit 1 if a speed target is missed")
    args = p.parse_args(argv)
    args.sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in args.sizes if s not in SIZES]
    if unknown or not args.sizes:
        p.error(f"unknown size(s) {unknown}; choose among {list(SIZES)}")
    if args.threads is not None and args.threads < 1:
        p.error("--threads must be >= 1")
    return args


def load_naive(notebook, rnnlib, np):
    """Execute the notebook's ``naive-bptt`` cell(s) and return ``bptt_naive``."""
    source = tagged_code(notebook, NAIVE_TAG)
    try:   # the cell may hold IPython syntax (a magic); turn it into plain Python
        from IPython.core.inputtransformer2 import TransformerManager
        source = TransformerManager().transform_cell(source)
    except ImportError:
        pass
    namespace = {"np": np, "numpy": np, "rnnlib": rnnlib, "__name__": "bptt_naive_cell"}
    exec(compile(source, f"{notebook} [{NAIVE_TAG}]", "exec"), namespace)
    if not callable(namespace.get("bptt_naive")):
        raise LookupError(f"the cell tagged {NAIVE_TAG!r} in {notebook} does not define "
                          "a function bptt_naive(params, x, h0, do)")
    return namespace["bptt_naive"]


def make_problem(np, rnnlib, T, B, D, H, K, seed=0):
    """Parameters (with non-zero biases), inputs, h(0), and dL/do of a squared error."""
    rng = np.random.default_rng(seed)
    params = rnnlib.init_params(D, H, K, rng=rng, spectral_radius=0.9)
    params["b"] = 0.1 * rng.standard_normal(H)
    params["c"] = 0.1 * rng.standard_normal(K)
    x = rng.standard_normal((T, B, D))
    h0 = 0.5 * rng.standard_normal((B, H))
    y = rng.standard_normal((T, B, K))
    o, _ = rnnlib.forward(params, x, h0)
    _, do = rnnlib.squared_error(o, y)
    return params, x, h0, do


def torch_peer(torch, params, x, h0, do):
    """``run()``: torch's forward + backward; ``result()``: its (gradients, outputs o)."""
    H, D = params["U"].shape
    K = params["V"].shape[0]
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh", dtype=torch.float64)
    lin = torch.nn.Linear(H, K, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(params["U"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(params["W"]))
        rnn.bias_ih_l0.copy_(torch.from_numpy(params["b"]))
        rnn.bias_hh_l0.zero_()
        lin.weight.copy_(torch.from_numpy(params["V"]))
        lin.bias.copy_(torch.from_numpy(params["c"]))
    xt = torch.from_numpy(x)                                  # time-major (T, B, D)
    h0t = torch.from_numpy(h0).unsqueeze(0).clone().requires_grad_(True)   # (1, B, H)
    dot = torch.from_numpy(do)
    leaves = [*rnn.parameters(), *lin.parameters(), h0t]
    out = {}

    def run():
        for leaf in leaves:
            leaf.grad = None
        hs, _ = rnn(xt, h0t)
        o = lin(hs)
        o.backward(dot)
        out["o"] = o

    def result():
        grads = {"U": rnn.weight_ih_l0.grad.numpy(), "W": rnn.weight_hh_l0.grad.numpy(),
                 "b": rnn.bias_ih_l0.grad.numpy(), "V": lin.weight.grad.numpy(),
                 "c": lin.bias.grad.numpy(), "h0": h0t.grad[0].numpy()}
        return grads, out["o"].detach().numpy()

    return run, result


def relative_errors(np, a, b):
    """max over arrays of ||a - b|| / max(||a||, ||b||), and the name where it occurs."""
    worst, where = 0.0, None
    for k in a:
        scale = max(np.linalg.norm(a[k]), np.linalg.norm(b[k]))
        err = float(np.linalg.norm(a[k] - b[k]) / scale) if scale > 0 else 0.0
        if where is None or err > worst:
            worst, where = err, k
    return worst, where


def flops(T, B, D, H, K):
    """Floating-point operations of forward + full BPTT, counting the matrix products.

    Forward: U x (2NDH), the recurrence W h (2NH^2), V h (2NHK), with N = T B.
    Backward: V^T do (2NKH), the recurrence W^T da (2NH^2), and the weight gradients
    dU (2NHD), dW (2NH^2), dV (2NKH). Together 2NH(2D + 3H + 3K); the element-wise work
    (tanh, its derivative, the biases: O(NH)) is left out.
    """
    return 2 * T * B * H * (2 * D + 3 * H + 3 * K)


def gemm_peer(np, n):
    """A float64 n x n matrix product: the machine's GEMM rate, timed with the contenders."""
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    out = np.empty((n, n))
    return lambda: np.matmul(a, b, out=out)


def speed_ratio(slow, fast):
    """'2.31x faster' or '1.20x slower': how ``fast`` (the time of rnnlib) compares."""
    r = slow / fast
    return f"{r:.2f}x faster" if r >= 1 else f"{1 / r:.2f}x slower"


def check_gradients(np, rnnlib, contenders, problem, tolerance):
    """Run every contender once and compare its gradients (and outputs) with rnnlib's.

    ``contenders`` maps a name to ``(run, result)``: ``run()`` does forward + backward,
    ``result()`` then returns ``(grads, o)``, with ``o`` None if not available.
    Returns (agreement, seconds of each first call, used to budget the repeats).
    """
    params, x, h0, do = problem
    o, cache = rnnlib.forward(params, x, h0)
    ref = rnnlib.backward(params, cache, do)
    ok, first = True, {}
    for name, (run, result) in contenders.items():
        start = time.perf_counter()
        run()
        first[name] = time.perf_counter() - start
        if result is None:                   # rnnlib itself
            continue
        grads, outputs = result()
        if outputs is not None:
            err = float(np.linalg.norm(outputs - o) / np.linalg.norm(o))
            agree = err < tolerance
            print(f"  outputs  : rnnlib vs {name:<6} relative error {err:.1e}: "
                  f"{'agree' if agree else 'DISAGREE'}")
            ok &= agree
        missing = sorted(set(GRAD_KEYS) - set(grads))
        if missing:
            print(f"  gradients: {name} returned no {missing}: DISAGREE")
            ok = False
            continue
        err, where = relative_errors(np, {k: ref[k] for k in GRAD_KEYS},
                                     {k: np.asarray(grads[k]) for k in GRAD_KEYS})
        agree = err < tolerance
        print(f"  gradients: rnnlib vs {name:<6} max relative error {err:.1e} (in {where}): "
              f"{'agree' if agree else 'DISAGREE'} (tolerance {tolerance:.0e})")
        ok &= agree
    return ok, first


def main(argv=None):
    args = parse_args(argv)
    request_threads(args.threads)         # before numpy loads its BLAS
    import numpy as np

    import rnnlib

    threads, threads_text = blas_threads(args.threads)
    torch = None
    torch_note = "not installed (pip install -r benchmarks/requirements.txt): peer skipped"
    if args.no_torch:
        torch_note = "skipped (--no-torch)"
    else:
        try:
            import torch
        except ImportError:
            torch = None
    if torch is not None:
        torch.set_num_threads(threads)
        torch_note = f"{torch.__version__}, {torch.get_num_threads()} intra-op threads"

    try:
        bptt_naive = load_naive(args.notebook, rnnlib, np)
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    print("Forward + full BPTT, float64: rnnlib vs the naive loop vs PyTorch")
    print(f"machine : {machine_line()}")
    print(f"numpy   : {np.__version__}, BLAS threads {threads_text}")
    print(f"torch   : {torch_note}")
    print(f"naive   : {args.notebook}, cell tagged {NAIVE_TAG!r}")
    gemm = gemm_peer(np, args.gemm_size)
    print(f"GEMM    : numpy float64 {args.gemm_size}x{args.gemm_size} matmul, timed in the same "
          "rounds as the contenders")
    print(f"rounds  : interleaved, each timed call right after {args.lead_in} untimed call(s) "
          "of the same contender (--lead-in)")

    failed, missed, summary = [], [], []
    for size in args.sizes:
        T, B, D, H, K = SIZES[size]
        problem = make_problem(np, rnnlib, T, B, D, H, K)
        params, x, h0, do = problem
        print(f"\n== {size}: T={T} B={B} D={D} H={H} K={K}, "
              f"{flops(T, B, D, H, K) / 1e6:.1f} MFLOP per forward + backward")

        naive = {}
        contenders = {
            "rnnlib": (lambda: rnnlib.backward(params, rnnlib.forward(params, x, h0)[1], do),
                       None),
            "naive": (lambda: naive.update(grads=bptt_naive(params, x, h0, do)),
                      lambda: (naive["grads"], None)),
        }
        if torch is not None:
            contenders["torch"] = torch_peer(torch, params, x, h0, do)
        ok, first = check_gradients(np, rnnlib, contenders, problem, args.tolerance)
        if not ok:
            failed.append(size)

        # Repeats: a slow contender (the naive loop at the large size) runs fewer rounds,
        # within --budget seconds; its correctness call above served as its warm-up. A
        # first call includes one-off set-up (torch's, notably), so a contender that looks
        # slow is timed once more before it is judged slow.
        for n, (run, _) in contenders.items():
            if first[n] >= args.budget / 50:
                start = time.perf_counter()
                run()
                first[n] = time.perf_counter() - start
        warmup, repeats = REPEATS[size]
        warmup = args.warmup if args.warmup is not None else warmup
        repeats = args.repeats if args.repeats is not None else repeats
        reps = {n: max(1, min(repeats, int(args.budget / max(first[n], 1e-9))))
                for n in contenders}
        warm = {n: warmup if first[n] * warmup < args.budget / 10 else 0 for n in contenders}
        lead = {n: args.lead_in if first[n] < args.budget / 10 else 0 for n in contenders}
        # The reference GEMM joins the first rounds, under the same load as the contenders.
        reps["gemm"], warm["gemm"], lead["gemm"] = min(repeats, 5), 1, args.lead_in
        times = time_interleaved({"gemm": gemm, **{n: c[0] for n, c in contenders.items()}},
                                 repeats=reps, warmup=warm, lead_in=lead)
        rate = 2 * args.gemm_size ** 3 / median(times.pop("gemm")[0])
        med = {name: median(wall) for name, (wall, _) in times.items()}
        print(f"  {'':8} {'median':>10} {'quartiles':>22} {'CPU time':>10}   rounds")
        for name, (wall, cpu) in times.items():
            q1, q3 = quartiles(wall)
            print(f"  {name:8} {fmt_time(med[name]):>10}   [{fmt_time(q1)}, {fmt_time(q3)}]"
                  f" {fmt_time(median(cpu)):>10}   {reps[name]} after {warm[name]} warm-up"
                  f"{'' if lead[name] else ', no lead-in'}")
        print(f"  rnnlib vs naive: {speed_ratio(med['naive'], med['rnnlib'])}")
        achieved = flops(T, B, D, H, K) / med["rnnlib"]
        print(f"  rnnlib FLOP rate: {achieved / 1e9:.2f} GFLOP/s = {achieved / rate:.1%} of "
              f"the GEMM rate ({rate / 1e9:.1f} GFLOP/s in these rounds)")
        line = (f"{size:9} rnnlib {fmt_time(med['rnnlib'])} ({achieved / rate:.0%} of GEMM "
                f"rate); vs naive {speed_ratio(med['naive'], med['rnnlib'])}")
        if "torch" in med:
            vs_torch = med["torch"] / med["rnnlib"]
            print(f"  rnnlib vs torch: {speed_ratio(med['torch'], med['rnnlib'])}")
            line += f"; vs torch {speed_ratio(med['torch'], med['rnnlib'])}"
            if size in TARGETS:
                hit = vs_torch >= TARGETS[size]
                print(f"  target: rnnlib at least {TARGETS[size]}x faster than torch: "
                      f"{verdict(hit)} ({vs_torch:.3f}x)")
                line += f"  [target {TARGETS[size]}x: {verdict(hit)}]"
                if not hit:
                    missed.append(size)
        elif size in TARGETS:
            print(f"  target: rnnlib at least {TARGETS[size]}x faster than torch: not measured "
                  "(torch unavailable)")
        summary.append(line)

    print("\nSummary (wall-clock medians; on a shared machine rerun when it is quiet):")
    for line in summary:
        print("  " + line)
    if failed:
        print(f"FAILED: the contenders disagree at size(s) {failed}")
        return 1
    print("gradients: all contenders agree")
    if missed and args.strict:
        print(f"FAILED (--strict): target missed at size(s) {missed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
