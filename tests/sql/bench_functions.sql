-- bench domain: exact results of changepoints(), mann_whitney() and geomean(), and their errors.
-- A noiseless step of 5 -> 6 at index 40: one change point, +20 %, p = 0 (zero spread, means differ).
SELECT 'step', idx, key, round(change_pct, 9), pvalue, mean_before, mean_after
FROM changepoints((SELECT json_group_array(iif(value < 40, 5.0, 6.0)) FROM generate_series(0, 79)));
-- [key, value] pairs are sorted by key; the key of the first point after the step comes back.
SELECT 'pairs', idx, key FROM changepoints('[["b",1],["a",1],["c",1],["d",1],["e",9],["f",9],["g",9],["h",9]]', 4, 0.05);
-- A constant series has none.
SELECT 'constant', count(*) FROM changepoints('[3,3,3,3,3,3,3,3,3,3]');
-- Mann-Whitney: fully separated 5 vs 5 -> exact p = 2/252; with ties -> normal approximation.
SELECT 'mwu', mann_whitney('[1,2,3,4,5]', '[6,7,8,9,10]');
SELECT 'mwu-ties', json_extract(mann_whitney('[1,2,2,3]', '[2,3,3,4,5]'), '$.method');
SELECT 'geomean', geomean(x) FROM (SELECT 1.0 AS x UNION ALL SELECT 100.0);
SELECT 'window', * FROM changepoints('[1,2,3]', 1);
SELECT 'json', * FROM changepoints('[1,[2,3]]');
