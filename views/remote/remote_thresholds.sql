-- remote_thresholds: the degradation threshold (percent) used for each metric family.
--
-- Question: beyond how many percent is a change a degradation? The framework loads 5%
-- thresholds from its analysis config and never uses them; perfsql applies them.
-- Order of precedence: remote_threshold_override (set by hand), then the `thresholds`
-- section of the newest loaded analysis config, then 5.0.
-- Columns:
--   metric    latency | throughput | pps
--   percent   the threshold in percent
--   origin    override | config | default
CREATE VIEW remote_thresholds AS
WITH m(metric, key) AS (
  VALUES ('latency', 'latency_degradation_percent'),
         ('throughput', 'throughput_degradation_percent'),
         ('pps', 'pps_degradation_percent')),
cfg AS (
  SELECT doc FROM remote_config
  WHERE kind = 'analysis' AND json_type(doc, '$.thresholds') = 'object'
  ORDER BY source_id DESC, rowid DESC LIMIT 1),
v AS (
  SELECT m.metric, o.percent AS o_pct,
         (SELECT json_extract(cfg.doc, '$.thresholds.' || m.key) FROM cfg) AS c_pct
  FROM m LEFT JOIN remote_threshold_override AS o ON o.metric = m.metric)
SELECT metric,
       CAST(coalesce(o_pct, c_pct, 5.0) AS REAL) AS percent,
       CASE WHEN o_pct IS NOT NULL THEN 'override' WHEN c_pct IS NOT NULL THEN 'config'
            ELSE 'default' END AS origin
FROM v;
