-- regress_severity: PerfTracker's defaults 15 / 50 / 100, inclusive (>=) boundaries.
SELECT regress_severity(14.99), regress_severity(15), regress_severity(49.99), regress_severity(50);
SELECT regress_severity(99.99), regress_severity(100), regress_severity(62.5), regress_severity(1e6);
-- improvements (negative = better) are never regressions; NULL -> NULL
SELECT regress_severity(-100), regress_severity(0), regress_severity(NULL);
-- custom thresholds (moderate, severe, critical)
SELECT regress_severity(5, 5, 10, 20), regress_severity(10, 5, 10, 20), regress_severity(20, 5, 10, 20), regress_severity(4.9, 5, 10, 20);
-- equal thresholds are allowed: the highest class wins
SELECT regress_severity(10, 10, 10, 10), regress_severity(9, 10, 10, 10);
-- numeric text is a number
SELECT regress_severity('62.5');
SELECT regress_severity('abc');
SELECT regress_severity(20, 50, 15, 100);
SELECT regress_severity(20, 15, NULL, 100);

-- heatmap_bin: floor((t - origin) / width) as an INTEGER.
SELECT heatmap_bin(0, 10), heatmap_bin(9, 10), heatmap_bin(10, 10), heatmap_bin(-1, 10), heatmap_bin(-10, 10), heatmap_bin(-11, 10);
-- nanosecond timestamps are exact at the edges (a double would merge these)
SELECT heatmap_bin(1700000000999999999, 1000000000), heatmap_bin(1700000001000000000, 1000000000);
SELECT heatmap_bin(1700000000123456789, 1000, 1700000000123456000), heatmap_bin(1700000000123456788, 1, 1700000000123456789);
-- integral REAL arguments take the exact path too; other REALs use doubles
SELECT heatmap_bin(1700000000999999999, 1e9), heatmap_bin(2.5, 0.5), heatmap_bin(2.4, 0.5, 0.1), typeof(heatmap_bin(2.5, 0.5));
-- NULL anywhere -> NULL
SELECT heatmap_bin(NULL, 10), heatmap_bin(5, NULL), heatmap_bin(5, 10, NULL);
SELECT heatmap_bin(5, 0);
SELECT heatmap_bin(5, -1.5);
SELECT heatmap_bin('t', 10);
SELECT heatmap_bin(9223372036854775807, 1, -1);
