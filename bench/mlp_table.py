"""Tables for bench/mlp-vs-pytorch.

speed RESULTS: RESULTS has lines "SIDE THREADS ROUND RSS_MB [epoch seconds...]"; prints, per side and thread count,
  the median over rounds of each run's median epoch time (all epochs, as pytorch_mlp.py's epoch_median_s; and
  epochs 2.. only), the spread over rounds, the peak RSS, then the ratios ours/PyTorch for the faster of each side,
  overall and round by round.
  Then the first epoch against the steady ones (warm-up), 2 threads against 1, and, when an EVAL file is given
  (lines "SIDE THREADS ROUND SECONDS" of one forward pass over the 10,000 test images), the forward throughput.
accuracy JSON TARGET: the per-epoch test accuracy of a `backprop train --json` run and the first epoch >= TARGET.
"""
import json
import statistics
import sys


def speed(path, eval_path=None):
    runs = {}
    by_round = {}
    for line in open(path):
        side, threads, rnd, rss, secs = line.split(" ", 4)
        runs.setdefault((side, int(threads)), []).append((float(rss), json.loads(secs)))
        by_round.setdefault(int(rnd), []).append((side, int(threads), statistics.median(json.loads(secs))))
    rows = {}
    print()
    print("| side | threads | epoch median s (all epochs) | epoch median s (epochs 2..) | min..max over rounds "
          "| peak RSS MB | rounds |")
    print("|---|---|---|---|---|---|---|")
    for (side, threads), rs in sorted(runs.items()):
        all_med = [statistics.median(s) for _, s in rs]
        late_med = [statistics.median(s[1:]) if len(s) > 1 else s[0] for _, s in rs]
        rss = statistics.median(r for r, _ in rs)
        rows[(side, threads)] = (statistics.median(all_med), statistics.median(late_med), rss)
        print(f"| {side} | {threads} | {statistics.median(all_med):.3f} | {statistics.median(late_med):.3f} "
              f"| {min(all_med):.3f}..{max(all_med):.3f} | {rss:.0f} | {len(rs)} |")
    sides = {s for s, _ in rows}
    if {"backprop", "pytorch"} <= sides:
        def best(side, k):
            return min((v[k], t) for (s, t), v in rows.items() if s == side)
        print()
        for k, label in ((0, "all epochs (pytorch_mlp.py's epoch_median_s)"), (1, "epochs 2..")):
            (ours, ot), (theirs, tt) = best("backprop", k), best("pytorch", k)
            print(f"time ratio ours/PyTorch, {label}: {ours:.3f} s ({ot} threads) / {theirs:.3f} s ({tt} threads)"
                  f" = {ours / theirs:.2f}")
        print("per round (the two sides ran back to back, so a round shares its load):")
        for rnd, rs in sorted(by_round.items()):
            (ours, ot), (theirs, tt) = [min((m, t) for s, t, m in rs if s == side) for side in ("backprop", "pytorch")]
            print(f"  round {rnd}: ours {ours:.3f} s ({ot} threads), PyTorch {theirs:.3f} s ({tt} threads), "
                  f"ratio {ours / theirs:.2f}")
        ours_rss = max(v[2] for (s, _), v in rows.items() if s == "backprop")
        theirs_rss = min(v[2] for (s, _), v in rows.items() if s == "pytorch")
        print(f"memory ratio ours/PyTorch, largest of ours over smallest of theirs: {ours_rss:.0f} MB / "
              f"{theirs_rss:.0f} MB = {ours_rss / theirs_rss:.2f}")
    print()
    for (side, threads), rs in sorted(runs.items()):
        warm = statistics.median(s[0] / statistics.median(s[1:]) for _, s in rs if len(s) > 1)
        print(f"warm-up {side} {threads} thread(s): first epoch / median of epochs 2.. = {warm:.2f}")
    for side in sorted(sides):
        if (side, 1) in rows and (side, 2) in rows:
            print(f"2 threads against 1, {side} (epochs 2..): {rows[(side, 1)][1]:.3f} s / {rows[(side, 2)][1]:.3f} s"
                  f" = {rows[(side, 1)][1] / rows[(side, 2)][1]:.2f}x")
    if eval_path:
        evals = {}
        for line in open(eval_path):
            side, threads, _, secs = line.split()
            evals.setdefault((side, int(threads)), []).append(float(secs))
        print()
        print("forward passes over the 10,000 test images (PyTorch: model(X).argmax under no_grad, its eval_median_s;"
              " ours: backprop eval --repeat 5, median pass, loss and confusion matrix included):")
        best = {}
        for (side, threads), xs in sorted(evals.items()):
            med = statistics.median(xs)
            best[side] = max(best.get(side, 0), 10000 / med)
            print(f"  {side} {threads} thread(s): {med:.4f} s = {10000 / med:.0f} samples/s (median of {len(xs)} rounds)")
        if {"backprop", "pytorch"} <= set(best):
            print(f"  throughput ratio ours/PyTorch, best thread count each: {best['backprop']:.0f} / "
                  f"{best['pytorch']:.0f} = {best['backprop'] / best['pytorch']:.2f}")


def accuracy(path, target):
    d = json.load(open(path))
    first = None
    for e in d["epochs"]:
        acc = e["test_accuracy"]
        mark = ""
        if first is None and acc >= target:
            first = e["epoch"]
            mark = f"  <- first >= {target}"
        print(f"epoch {e['epoch']:2d}  train loss {e['train_loss']:.4f}  test acc {acc:.4f}  {e['seconds']:.2f}s{mark}")
    if first is None:
        print(f"test accuracy never reached {target} (best {max(e['test_accuracy'] for e in d['epochs']):.4f})")
    else:
        print(f"reached test accuracy >= {target} at epoch {first}; final {d['epochs'][-1]['test_accuracy']:.4f}")
    return 0 if first is not None else 1


if __name__ == "__main__":
    if sys.argv[1] == "speed":
        speed(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else None)
    else:
        sys.exit(accuracy(sys.argv[2], float(sys.argv[3])))
