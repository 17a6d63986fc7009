-- pt_tag_part, pt_load_value, pt_round, pt_ttest_p, pt_window_scan: each line must print <id>|1.
-- Expected values are the upstream Python's (re.search / str.split / round) worked by hand.
SELECT 'tag.endpoint', pt_tag_part('latency, p(95) (4 th): GET /api/policies (list policies)', 'endpoint') = 'GET /api/policies';
SELECT 'tag.metric.latency', pt_tag_part('Latency, p(95) (4 th): GET /x (s)', 'metric_type') = 'latency';
SELECT 'tag.metric.rate', pt_tag_part('rate (4 th): GET /x (s)', 'metric_type') = 'rate';
SELECT 'tag.metric.other_is_rate', pt_tag_part('p95 (4 th): GET /x (s)', 'metric_type') = 'rate';
SELECT 'tag.metric.unknown', pt_tag_part('login', 'metric_type') = 'unknown';
SELECT 'tag.endpoint.no_colon', pt_tag_part(' login (x) ', 'endpoint') = ' login (x) ';
SELECT 'tag.threads', pt_tag_part('latency (16 th): GET /x', 'threads') = 16;
SELECT 'tag.threads.default', pt_tag_part('latency: GET /x (8 th)', 'threads') = 1;
SELECT 'tag.threads.needs_space', pt_tag_part('latency (4th): GET /x', 'threads') = 1;
SELECT 'tag.threads.first_match', pt_tag_part('latency (x) (2  th) (3 th): GET /x', 'threads') = 2;
SELECT 'tag.scenario', pt_tag_part('latency (4 th): GET /x (list policies)', 'scenario') = '(list policies)';
SELECT 'tag.scenario.none', pt_tag_part('rate: GET /x', 'scenario') = '';
SELECT 'tag.scenario.reversed', pt_tag_part('a ) b (', 'scenario') = '';
SELECT 'tag.endpoint.paren_cut', pt_tag_part('rate (1 th):  POST /a/b (c) (d)', 'endpoint') = 'POST /a/b';
SELECT 'tag.direction.lower', pt_tag_part('latency, rate (1 th): x', 'direction') = 'lower';
SELECT 'tag.direction.higher', pt_tag_part('Throughput (1 th): x', 'direction') = 'higher';
SELECT 'tag.direction.none', pt_tag_part('p95 (1 th): x', 'direction') IS NULL AND pt_tag_part('login', 'direction') IS NULL;
SELECT 'tag.null', pt_tag_part(NULL, 'endpoint') IS NULL;
SELECT 'load.first_int', pt_load_value('1000 policies') = 1000.0;
SELECT 'load.decimal', pt_load_value('0.5 GB') = 0.0;
SELECT 'load.embedded', pt_load_value('x86-64 / 12 threads') = 86.0;
SELECT 'load.none', pt_load_value('login') = 0.0 AND pt_load_value(NULL) = 0.0;
SELECT 'round.half_even_binary', pt_round(2.675, 2) = 2.67 AND pt_round(0.125, 2) = 0.12 AND pt_round(0.375, 2) = 0.38;
SELECT 'round.plain', pt_round(59.8412, 2) = 59.84 AND pt_round(-37.505, 2) = -37.51 AND pt_round(NULL, 2) IS NULL;
SELECT 'ttest.df4', abs(pt_ttest_p(0, 1, 3, 2.776445105 * sqrt(2.0 / 3), 1, 3) - 0.05) < 1e-8;
SELECT 'ttest.df10', abs(pt_ttest_p(10, 2, 6, 10 + 2.228138852 * 2 * sqrt(1.0 / 3), 2, 6) - 0.05) < 1e-8;
SELECT 'ttest.nan', pt_ttest_p(1, 0, 1, 2, 0, 1) IS NULL AND pt_ttest_p(3, 0, 4, 3, 0, 4) IS NULL;
SELECT 'ttest.null', pt_ttest_p(1, 1, 3, NULL, 1, 3) IS NULL;
-- window scan on 0, 0, 37.5 x4 (the fixture's rate curve): upstream keeps the 4-point window 2000-5000
SELECT 'scan.kept', (SELECT json_group_array(w.value ->> 'start_idx' || '-' || (w.value ->> 'end_idx') || ':' || (w.value ->> 'size'))
  FROM json_each((SELECT pt_window_scan(i, x, p, 3, 7, 15, 0.7, 20) FROM (SELECT 0 i, 1000 x, 0.0 p UNION ALL SELECT 1, 2000, 0.0
  UNION ALL SELECT 2, 3000, 37.5 UNION ALL SELECT 3, 4000, 37.5 UNION ALL SELECT 4, 5000, 37.5 UNION ALL SELECT 5, 6000, 37.5))) AS w
  WHERE w.value ->> 'kept') = '["1-4:4"]';
SELECT 'scan.counts', (SELECT json_array_length(pt_window_scan(i, i * 10, 50, 3, 7, 15, 0.7, 20)) FROM (SELECT value AS i FROM generate_series(0, 9))) = 8 + 7 + 6 + 5 + 4;
-- 50 at points 0..4, 0 after: significant windows by hand (share of 50s >= 0.7): sizes 3:3, 4:3, 5:2, 6:1, 7:1
SELECT 'scan.only_significant', (SELECT json_array_length(pt_window_scan(i, i * 10, CASE WHEN i < 5 THEN 50 ELSE 0 END, 3, 7, 15, 0.7, 20)) FROM (SELECT value AS i FROM generate_series(0, 9))) = 10;
SELECT 'scan.nulls_skip', (SELECT json_array_length(pt_window_scan(i, i, CASE WHEN i % 2 THEN NULL ELSE 20 END, 3, 7, 15, 0.7, 20)) FROM (SELECT value AS i FROM generate_series(0, 5))) = 2;
SELECT 'scan.empty', (SELECT pt_window_scan(i, i, i, 3, 7, 15, 0.7, 20) FROM (SELECT 1 AS i WHERE 0)) = '[]';
SELECT 'scan.visual_sep', (SELECT round(json_extract(pt_window_scan(i, i, v, 3, 3, 15, 0.7, 20), '$[0].visual_sep'), 6) FROM (SELECT 0 i, 30.0 v UNION ALL SELECT 1, 40.0 UNION ALL SELECT 2, 50.0)) = round(40 + 0.5 * max(0, 20 - sqrt(((30 - 40) * (30 - 40) + 0 + (50 - 40) * (50 - 40)) / 3.0)), 6);
-- pt_repr: Python 3.11's repr(float) of each value (printed by /usr/bin/python3)
SELECT 'repr.short', pt_repr(1.0) = '1.0' AND pt_repr(0.1) = '0.1' AND pt_repr(-0.0) = '-0.0' AND pt_repr(0) = '0.0';
SELECT 'repr.17', pt_repr(250.00000000000006) = '250.00000000000006' AND pt_repr(0.1 + 0.2) = '0.30000000000000004';
SELECT 'repr.16', pt_repr(59.84126984126984) = '59.84126984126984';
SELECT 'repr.exp', pt_repr(1e-05) = '1e-05' AND pt_repr(0.0001) = '0.0001' AND pt_repr(1e16) = '1e+16' AND pt_repr(1234567890123456.0) = '1234567890123456.0' AND pt_repr(-1.5e300) = '-1.5e+300';
SELECT 'repr.subnormal', pt_repr(5e-324) = '5e-324' AND pt_repr(6.1285784757982e-310) = '6.1285784757982e-310';
SELECT 'repr.inf', pt_repr(9e999) = 'inf' AND pt_repr(-9e999) = '-inf' AND pt_repr(NULL) IS NULL;
-- pt_round numpy mode: round(np.float64(x), 2) with numpy 1.24 (scale, rint, divide)
SELECT 'round.numpy', pt_round((120.095 - 100) / 100 * 100, 2, 'numpy') = 20.1 AND pt_round((120.095 - 100) / 100 * 100, 2) = 20.09;
SELECT 'round.numpy_vs_python', pt_round(2.675, 2, 'numpy') = 2.68 AND pt_round(2.675, 2, 'python') = 2.67 AND pt_round(0.125, 2, 'numpy') = 0.12;
-- pt_pyjson: json.dumps(obj, indent=2) of {"a": [], "b": {}, "c": [1, 2.5, {"d": "xé😀\n"}], "e": null}
SELECT 'pyjson', pt_pyjson('{"a":[],"b":{},"c":[1,2.5,{"d":"xé😀\n"}],"e":null}') = '{' || char(10) || '  "a": [],' || char(10) || '  "b": {},' || char(10) || '  "c": [' || char(10) || '    1,' || char(10) || '    2.5,' || char(10) || '    {' || char(10) || '      "d": "x\u00e9\ud83d\ude00\n"' || char(10) || '    }' || char(10) || '  ],' || char(10) || '  "e": null' || char(10) || '}';
SELECT 'pyjson.numbers_verbatim', pt_pyjson(json_object('k', json(pt_repr(0.1 + 0.2)))) = '{' || char(10) || '  "k": 0.30000000000000004' || char(10) || '}';
-- pt_last: the value at the largest pos, NULL pos ignored
SELECT 'last', (SELECT pt_last(p, v) FROM (SELECT 2 p, 'b' v UNION ALL SELECT 3, 'c' UNION ALL SELECT NULL, 'z' UNION ALL SELECT 1, 'a')) = 'c' AND (SELECT pt_last(p, 1) FROM (SELECT NULL AS p)) IS NULL;
-- the worst kept window: 40 at 0..2, 0 at 3..5, 90 at 6..8: two kept windows, the second is the worst
SELECT 'scan.worst', (SELECT json_group_array(w.value ->> 'start_idx' || ':' || (w.value ->> 'merge_order') || ':' || (w.value ->> 'worst')) FROM json_each((SELECT pt_window_scan(i, i, CASE WHEN i < 3 THEN 40 WHEN i < 6 THEN 0 ELSE 90 END, 3, 3, 15, 0.7, 20) FROM (SELECT value AS i FROM generate_series(0, 8)))) AS w WHERE w.value ->> 'kept') = '["0:1:0","6:2:1"]';
SELECT 'tag.bad_part', pt_tag_part('x', 'nope');
