-- median / percentile / sliding_median: aggregate and window contracts.
CREATE TABLE v(i INTEGER PRIMARY KEY, g TEXT, x);
INSERT INTO v(g, x) VALUES ('a', 1), ('a', 5), ('a', 2), ('a', NULL), ('a', 10),
                           ('b', 3), ('b', 3), ('b', 3),
                           ('c', NULL);
-- a: {1,2,5,10} -> median (2+5)/2 = 3.5; b: {3,3,3} -> 3.0; c: only NULL -> NULL
SELECT g, median(x), sliding_median(x), typeof(median(x)) FROM v GROUP BY g ORDER BY g;
-- percentile: rank p/100*(n-1), linear interpolation. a sorted = 1,2,5,10:
--   p=0 -> 1; p=25 -> rank 0.75 -> 1+(2-1)*0.75 = 1.75; p=50 -> rank 1.5 -> 3.5;
--   p=90 -> rank 2.7 -> 5+(10-5)*0.7 = 8.5; p=100 -> 10
SELECT percentile(x, 0), percentile(x, 25), percentile(x, 50), percentile(x, 90), percentile(x, 100) FROM v WHERE g = 'a';
-- empty input -> NULL
SELECT median(x), percentile(x, 50), sliding_median(x) FROM v WHERE 0;
-- sliding window of 3 rows (1 preceding, 1 following) over x ordered by i:
--   i=1 {1,5} 3.0 | i=2 {1,5,2} 2.0 | i=3 {5,2,NULL} 3.5 | i=4 {2,NULL,10} 6.0
--   i=5 {NULL,10,3} 6.5 | i=6 {10,3,3} 3.0 | i=7 {3,3,3} 3.0 | i=8 {3,3,NULL} 3.0 | i=9 {3,NULL} 3.0
SELECT i, sliding_median(x) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM v;
-- an empty frame gives NULL: the 2 rows after the current one, for the last rows
SELECT i, median(x) OVER (ORDER BY i ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM v WHERE i >= 7;
-- partitions restart the frame: running median per group
SELECT g, i, median(x) OVER (PARTITION BY g ORDER BY i) FROM v ORDER BY i;
-- running percentile 50 equals the running median here
SELECT i, percentile(x, 50) OVER (ORDER BY i ROWS UNBOUNDED PRECEDING) FROM v WHERE g = 'a';
-- numeric text counts as a number
SELECT median(y) FROM (SELECT '4' AS y UNION ALL SELECT '8');
-- errors
SELECT median(1e999);
SELECT sliding_median(-1e999) OVER () FROM v;
SELECT percentile(x, 50) FROM (SELECT 1e999 AS x);
SELECT median('four');
SELECT percentile(1, 100.5);
SELECT percentile(x, i) FROM v;
