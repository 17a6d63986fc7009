-- pt_comparable_jobs: per product and hardware, the newest job and the newest earlier job of another version.
--
-- Question: which two jobs should be compared for a product? This is the
-- upstream AI tool's auto-discovery, done right: jobs come from the server's
-- job list (pt_listed_job, filled by `perfsql perftracker --url ... --product`)
-- and from loaded jobs (pt_job); product_name is matched exactly (the server's
-- search only matches title and suite_ver); jobs whose first root env node name
-- contains "local" (case-insensitive) are dropped; jobs are grouped by
-- hardware; the candidate is the hardware's newest job (by end time) and the
-- baseline the newest earlier job with a different product_ver. chosen = 1
-- marks the hardware whose candidate is newest, per (server, project, product).
-- A job both listed and loaded counts once.
-- Columns:
--   server            base URL the jobs were listed from ('' for loaded files)
--   project_id        PerfTracker project id (NULL for client upload bodies)
--   product_name      product, exactly as in the jobs
--   hardware          root env node display name ('bg-f1')
--   jobs_on_hardware  jobs of this product on this hardware (after filtering)
--   candidate_job_id  PerfTracker id of the newest job (NULL for a client body)
--   candidate_uuid    its uuid when loaded, else NULL
--   candidate_ver     its product_ver
--   candidate_end     its end time (ISO-8601 UTC)
--   baseline_job_id   PerfTracker id of the newest earlier job with another product_ver
--   baseline_uuid     its uuid when loaded, else NULL
--   baseline_ver      its product_ver
--   baseline_end      its end time
--   chosen            1 for the hardware whose candidate is newest (what discovery picks)
CREATE VIEW pt_comparable_jobs AS
WITH known AS (
  SELECT coalesce(server, '') AS server, project_id, job_id, NULL AS uuid, product_name, product_ver,
         env_name, hardware, end_time, 0 AS loaded, rowid AS ord
  FROM pt_listed_job
  UNION ALL
  SELECT coalesce(server, ''), project_id, job_id, uuid, product_name, product_ver,
         hardware, hardware, end_time, 1, id
  FROM pt_job
),
job AS (   -- one row per job: a listed and loaded job keeps the loaded row's uuid
  SELECT server, project_id, job_id, max(uuid) AS uuid, product_name, product_ver, env_name, hardware,
         end_time, min(ord) AS ord
  FROM known
  WHERE env_name IS NOT NULL AND instr(lower(env_name), 'local') = 0
  GROUP BY server, project_id, coalesce(job_id, 'uuid:' || uuid, 'row:' || loaded || ':' || ord), product_name
),
ranked AS (
  SELECT *, row_number() OVER w AS newest,
         count(*) OVER (PARTITION BY server, project_id, product_name, hardware) AS n
  FROM job
  WINDOW w AS (PARTITION BY server, project_id, product_name, hardware ORDER BY end_time DESC, ord)
),
pair AS (
  SELECT c.server, c.project_id, c.product_name, c.hardware, c.n AS jobs_on_hardware,
         c.job_id AS candidate_job_id, c.uuid AS candidate_uuid, c.product_ver AS candidate_ver,
         c.end_time AS candidate_end, b.job_id AS baseline_job_id, b.uuid AS baseline_uuid,
         b.product_ver AS baseline_ver, b.end_time AS baseline_end, c.ord AS cand_ord
  FROM ranked AS c
  JOIN ranked AS b ON b.server = c.server AND b.project_id IS c.project_id
   AND b.product_name = c.product_name AND b.hardware = c.hardware
   AND b.newest = (SELECT min(x.newest) FROM ranked AS x
                   WHERE x.server = c.server AND x.project_id IS c.project_id
                     AND x.product_name = c.product_name AND x.hardware = c.hardware
                     AND x.newest > 1 AND x.product_ver IS NOT c.product_ver)
  WHERE c.newest = 1
)
SELECT server, project_id, product_name, hardware, jobs_on_hardware, candidate_job_id, candidate_uuid,
       candidate_ver, candidate_end, baseline_job_id, baseline_uuid, baseline_ver, baseline_end,
       (row_number() OVER (PARTITION BY server, project_id, product_name
                           ORDER BY candidate_end DESC, cand_ord) = 1) AS chosen
FROM pair
ORDER BY server, project_id, product_name, chosen DESC, candidate_end DESC;
