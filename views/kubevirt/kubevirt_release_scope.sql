-- kubevirt_release_scope: what a release graph can draw for each loaded shape.yaml, and what it leaves out.
--
-- Question: why would a release graph be empty? Release graphs merge every
-- job except the density and kwok ones (like upstream's release-graph.sh) and
-- keep the weeks from the one containing sinceDate on. This counts, per
-- release, the runs drawn, the runs of the jobs left out, and the runs of the
-- other jobs that ended before sinceDate's week.
-- Columns:
--   release_id       kubevirt_release.id (the last loaded is the default release)
--   release_version  shape.yaml releaseVersion
--   since_date       shape.yaml sinceDate
--   runs_drawn       runs with vmi/vm values the release graph draws
--   runs_excluded    runs of density/kwok jobs (never drawn)
--   excluded_jobs    those jobs, comma-separated
--   runs_before      runs of the other jobs in weeks before sinceDate's week
--   last_run_before  the latest of those runs' time
CREATE VIEW kubevirt_release_scope AS
WITH runs AS (
  SELECT r.job, r.run_time, r.week_start,
         (r.job LIKE '%density%' OR r.job LIKE '%kwok%') AS excluded
  FROM kubevirt_run AS r
  WHERE EXISTS (SELECT 1 FROM kubevirt_result AS x WHERE x.run_id = r.id AND x.resource IN ('vmi', 'vm'))
)
SELECT rel.id AS release_id, rel.release_version, rel.since_date,
       (SELECT count(*) FROM runs WHERE NOT excluded AND week_start >= date(rel.since_date, '-6 days')) AS runs_drawn,
       (SELECT count(*) FROM runs WHERE excluded) AS runs_excluded,
       (SELECT group_concat(DISTINCT job) FROM runs WHERE excluded) AS excluded_jobs,
       (SELECT count(*) FROM runs WHERE NOT excluded AND week_start < date(rel.since_date, '-6 days')) AS runs_before,
       (SELECT max(run_time) FROM runs WHERE NOT excluded AND week_start < date(rel.since_date, '-6 days'))
         AS last_run_before
FROM kubevirt_release AS rel;
