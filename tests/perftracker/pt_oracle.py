"""An independent Python re-implementation of the upstream AI tool's detector
(emanuelebarbato/perftracker scripts/perfreg_v2.py, as described in the
reference notes) and of PerfTracker's own comparison, used as the oracle for
perfsql's SQL views. It uses numpy (np.median, np.std, np.mean) exactly where
the upstream code does, and scipy's ttest_ind_from_stats for the t-test.

honour_less_better=False reproduces upstream exactly; True adds perfsql's
documented difference (tags without a direction hint use less_better).
"""
import re

import numpy as np


def parse_tag(tag):
    parts = tag.split(':', 1)
    if len(parts) != 2:
        return tag, 'unknown', 1
    prefix, rest = parts
    threads = 1
    m = re.search(r'\((\d+)\s+th\)', prefix)
    if m:
        threads = int(m.group(1))
    metric = 'latency' if 'latency' in prefix.lower() else 'rate'
    endpoint = rest.strip()
    if '(' in endpoint:
        endpoint = endpoint.split('(')[0].strip()
    return endpoint, metric, threads


def direction(tag):
    parts = tag.split(':', 1)
    if len(parts) != 2:
        return None
    p = parts[0].lower()
    if 'latency' in p:
        return 'lower'
    if 'rate' in p or 'throughput' in p:
        return 'higher'
    return None


def scenario(tag):
    if '(' in tag and ')' in tag:
        return tag[tag.rfind('('):tag.rfind(')') + 1]
    return ""


def load_value(cat):
    m = re.search(r'(\d+)', cat or '')
    return float(m.group(1)) if m else 0.0


def curves(tests):
    out = {}
    for t in tests:
        tag = t.get('tag', '')
        e, m, th = parse_tag(tag)
        out.setdefault((e, m, th, scenario(tag)), []).append(t)
    for k in out:
        out[k].sort(key=lambda t: load_value(t.get('category', '')))
    return out


def pct_change(b, c, negate):
    if b <= 0 or c <= 0:
        return None
    p = ((c - b) / b) * 100.0
    return -p if negate else p


def visual_sep(vals):
    a = [abs(v) for v in vals]
    med = np.median(a)
    bonus = max(0, 20 - np.std(a)) if len(a) > 1 else 0
    return med + bonus * 0.5


def windows(pcts, xs, cfg):
    n = len(pcts)
    found = []
    for size in range(cfg['min_window'], min(cfg['max_window'] + 1, n + 1)):
        for s in range(0, n - size + 1):
            idx = [i for i in range(s, s + size) if pcts[i] is not None]
            vals = [pcts[i] for i in idx]
            if len(vals) < cfg['min_window']:
                continue
            med = np.median(vals)
            cons = sum(1 for v in vals if v > cfg['min_deg']) / len(vals)
            vs = visual_sep(vals)
            sev = 'critical' if abs(med) >= cfg['critical'] else 'severe' if abs(med) >= cfg['severe'] else 'moderate'
            if cons >= cfg['consistency'] and abs(med) >= cfg['min_deg'] and vs >= cfg['visual_sep']:
                found.append(dict(start=idx[0], end=idx[-1], sx=xs[idx[0]], ex=xs[idx[-1]], size=len(vals),
                                  median=med, mean=np.mean(vals), max=np.max(np.abs(vals)), cons=cons, vs=vs,
                                  sev=sev))
    if not found:
        return []
    found = sorted(found, key=lambda w: w['start'])
    merged, cur = [], found[0]
    for nx in found[1:]:
        if nx['start'] <= cur['end']:
            if abs(nx['median']) > abs(cur['median']):
                cur = nx
        else:
            merged.append(cur)
            cur = nx
    merged.append(cur)
    return merged


DEFAULTS = dict(min_window=3, max_window=7, min_deg=15.0, severe=50.0, critical=100.0, consistency=0.7,
                visual_sep=20.0, min_baseline=0.01, min_points=5)


def analyse(base_job, cand_job, honour_less_better=False, **overrides):
    cfg = dict(DEFAULTS, **overrides)
    bc, cc = curves(base_job['tests']), curves(cand_job['tests'])
    analyses = []
    for key in sorted(set(bc) & set(cc)):
        bmap = {t.get('category'): t for t in bc[key] if t.get('status') == 'SUCCESS'}
        cmap = {t.get('category'): t for t in cc[key] if t.get('status') == 'SUCCESS'}
        pts = []
        for cat in sorted(bmap, key=load_value):
            if cat not in cmap:
                continue
            b, c = bmap[cat].get('avg_score', 0), cmap[cat].get('avg_score', 0)
            if b < cfg['min_baseline']:
                continue
            lb = bool(bmap[cat].get('less_better'))
            if honour_less_better and direction(bmap[cat]['tag']) is None:
                negate = not lb
            else:
                negate = key[1] == 'rate'
            pts.append((load_value(cat), b, c, bmap[cat].get('samples', 1), negate))
        if len(pts) < cfg['min_points']:
            continue
        xs = [p[0] for p in pts]
        pcts = [pct_change(p[1], p[2], p[4]) for p in pts]
        samples = [p[3] for p in pts]
        ws = windows(pcts, xs, cfg)
        valid = [p for p in pcts if p is not None]
        a = dict(key=key, points=len(pts), windows=ws, median=np.median(valid) if valid else 0.0,
                 avg_samples=np.mean(samples))
        if ws:
            worst = max(ws, key=lambda w: abs(w['median']))
            a['worst'] = worst
            sev_score = 1.0 if worst['sev'] == 'critical' else 0.7 if worst['sev'] == 'severe' else 0.4
            ss = 1.0 if a['avg_samples'] >= 3 else 0.7 if a['avg_samples'] >= 2 else 0.4
            score = (sev_score + worst['cons'] + ss) / 3
            a['confidence'] = 'high' if score >= 0.8 else 'medium' if score >= 0.6 else 'low'
        analyses.append(a)
    regs = [a for a in analyses if a['windows']]
    dq = lambda s: 'good' if s >= 3 else 'fair' if s >= 2 else 'poor'
    out = {
        'curves_analyzed': len(analyses),
        'regressions': [],
    }
    for a in sorted(regs, key=lambda a: abs(a['worst']['median']), reverse=True):
        w = a['worst']
        out['regressions'].append({
            'endpoint': a['key'][0], 'metric_type': a['key'][1], 'threads': a['key'][2], 'scenario': a['key'][3],
            'severity': w['sev'], 'confidence': a['confidence'], 'data_quality': dq(a['avg_samples']),
            'points_analyzed': a['points'], 'median_pct_change_overall': round(float(a['median']), 2),
            'worst_window': {
                'location': f"{int(w['sx'])}-{int(w['ex'])}", 'size': w['size'],
                'median_degradation_pct': round(float(w['median']), 2),
                'mean_degradation_pct': round(float(w['mean']), 2),
                'max_degradation_pct': round(float(w['max']), 2),
                'consistency_score': round(w['cons'], 2), 'visual_separation': round(float(w['vs']), 2)},
            'all_windows': [{'location': f"{int(x['sx'])}-{int(x['ex'])}",
                             'median_degradation': round(float(x['median']), 2),
                             'consistency': round(x['cons'], 2)} for x in a['windows']],
        })
    return out


def pt_cell(prev, cur, less_better, alpha=0.1):
    """PerfTracker's comparison cell "<d> <flag>" (views.py table_row)."""
    from scipy import stats
    pa, ca = prev['avg_score'], cur['avg_score']
    if pa == 0 or ca == 0 or pa == ca:
        d = 0
    elif ca > pa:
        d = 100.0 * (ca / pa - 1)
    else:
        d = -100.0 * (pa / ca - 1)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        p = stats.ttest_ind_from_stats(pa, prev['avg_dev'], prev['samples'], ca, cur['avg_dev'], cur['samples'])[1]
    sig = bool(p < alpha) if p == p else False
    flag = 0
    if sig and ca != pa:
        flag = 1 if (ca < pa) == bool(less_better) else -1
    return f"{int(round(d))} {flag}", p
