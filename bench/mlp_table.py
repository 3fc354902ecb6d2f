"""Tables for bench/mlp-vs-pytorch.

speed RESULTS: RESULTS has lines "SIDE THREADS ROUND RSS_MB [epoch seconds...]"; prints, per side and thread count,
  the median over rounds of each run's median epoch time (all epochs, as pytorch_mlp.py's epoch_median_s; and
  epochs 2.. only), the spread over rounds, the peak RSS, then the ratios ours/PyTorch for the faster of each side,
  overall and round by round.
accuracy JSON TARGET: the per-epoch test accuracy of a `backprop train --json` run and the first epoch >= TARGET.
"""
import json
import statistics
import sys


def speed(path):
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
        speed(sys.argv[2])
    else:
        sys.exit(accuracy(sys.argv[2], float(sys.argv[3])))
